#!/usr/bin/env bash
# Builds JJava from a checkout and installs two kernelspecs under a prefix, for comparing our
# kernel with it in kernel/bench/kernel_latency.py:
#   jjava      JJava as it ships;
#   jjava-dsl  the same JJava given what our kernel starts with: the project's run-time class
#              path, the DSL's imports (QProbe.IMPORTS) and the Vector API module.
#
# Usage (from the repository root, after `mvn -B -q -DskipTests package`):
#   git clone https://github.com/dflib/jjava /tmp/bench/jjava && git -C /tmp/bench/jjava checkout 1.0-a7
#   kernel/bench/install_jjava.sh /tmp/bench/jjava /tmp/bench/jp
# Then run the benchmark with JUPYTER_PATH=/tmp/bench/jp/share/jupyter.
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 JJAVA_CHECKOUT PREFIX" >&2
    exit 2
fi
JJAVA="$(cd "$1" && pwd)"
PREFIX="$2"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CLASSPATH_FILE="$ROOT/cli/target/runtime-classpath.txt"
[[ -f "$JJAVA/jjava-distro/pom.xml" ]] || { echo "$JJAVA is not a JJava checkout (no jjava-distro/pom.xml)" >&2; exit 2; }
[[ -f "$CLASSPATH_FILE" ]] || { echo "$CLASSPATH_FILE missing: run mvn -B -q -DskipTests package first" >&2; exit 2; }

(cd "$JJAVA" && mvn -B -q -DskipTests package)
zip=$(ls "$JJAVA"/jjava-distro/target/jjava-*-kernelspec.zip)
kernels="$PREFIX/share/jupyter/kernels"
rm -rf "$kernels/jjava" "$kernels/jjava-dsl"
mkdir -p "$kernels/jjava" "$kernels/jjava-dsl"
unzip -q "$zip" -d "$kernels/jjava"

# The imports are read from the DSL's source so that they follow QProbe.IMPORTS.
/usr/bin/python3 - "$kernels" "$CLASSPATH_FILE" "$ROOT/dsl/src/main/java/dev/qprobe/dsl/QProbe.java" <<'EOF'
import json, re, sys
kernels, classpath_file, qprobe_java = sys.argv[1:]
source = open(qprobe_java).read()
imports = re.findall(r'"([\w.]+\*?)"', re.search(r"IMPORTS = List\.of\((.*?)\);", source, re.S).group(1))
if not imports:
    sys.exit("no IMPORTS found in " + qprobe_java)
spec = json.load(open(kernels + "/jjava/kernel.json"))
spec["argv"] = [a.replace("{resource_dir}", kernels + "/jjava") for a in spec["argv"]]
spec["display_name"] = "Java (JJava with the Q-probe class path and imports)"
spec["env"] = {
    "JJAVA_CLASSPATH": open(classpath_file).read().strip(),
    "JJAVA_STARTUP_SCRIPT": "\n".join("import %s;" % i for i in imports),
    "JJAVA_JVM_OPTS": "--add-modules=jdk.incubator.vector -Djava.awt.headless=true",
}
json.dump(spec, open(kernels + "/jjava-dsl/kernel.json", "w"), indent=2)
EOF
echo "installed kernelspecs jjava and jjava-dsl in $kernels"
