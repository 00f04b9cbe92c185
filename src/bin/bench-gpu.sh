#!/usr/bin/env bash
# bench-gpu.sh: the probe-backend benchmark (DJL vs the CPU SIMD kernel, 464 x 48 x 4096 features)
# with DJL on a CUDA GPU. Builds with -Pcuda first: PyTorch's CUDA 12.4 native library (2.4 GB,
# downloaded once into ~/.m2) replaces the CPU-only one, which sees no GPU.
#
#   src/bin/bench-gpu.sh [PROMPTS CANDIDATES DIM EPOCHS DEVICE]    defaults: 464 48 4096 150 gpu(0)
#
# Needs an NVIDIA driver for CUDA 12.4+. Afterwards `mvn -B -q -DskipTests package` goes back to the
# default CPU build. Record the figures, the GPU (nvidia-smi -L) and the date in BENCHMARKS.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mvn -B -q -f "$ROOT/pom.xml" -Pcuda -DskipTests package
command -v nvidia-smi >/dev/null && nvidia-smi -L
exec "$ROOT/src/bin/qprobe" bench backends "${1:-464}" "${2:-48}" "${3:-4096}" "${4:-150}" "${5:-gpu(0)}"
