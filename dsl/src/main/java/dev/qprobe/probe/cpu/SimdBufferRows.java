package dev.qprobe.probe.cpu;

import dev.qprobe.data.BufferStore;
import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.data.HalfFloats;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FeatureRows} over byte-buffer stores (heap or mapped) with the Vector API: each 16-bit
 * format is widened to float32 in registers, so a bfloat16 or float16 epoch reads half the bytes
 * of a float32 one and does no conversion pass. One class per format keeps every loop's loads
 * monomorphic and inlined: a shared loop over an abstract load would box vectors.
 *
 * <p>Loaded only when the {@code jdk.incubator.vector} module is present.
 */
abstract class SimdBufferRows extends FeatureRows {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final VectorSpecies<Short> S =
            VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    /** 2^112: rebiases a float16 exponent (bias 15) placed in a float32 (bias 127). */
    private static final float F16_REBIAS = 0x1p112f;

    protected final FeatureMatrix matrix;
    protected final BufferStore store;
    private final ByteOrder order;

    SimdBufferRows(FeatureMatrix matrix, BufferStore store) {
        super(matrix.dim());
        this.matrix = matrix;
        this.store = store;
        this.order = store.order();
    }

    static FeatureRows of(FeatureMatrix matrix, BufferStore store) {
        return switch (store.precision()) {
            case F32 -> new F32Rows(matrix, store);
            case BF16 -> new Bf16Rows(matrix, store);
            case F16 -> new F16Rows(matrix, store);
        };
    }

    @Override
    int[] handles(int[] rows) {
        int[] storeRows = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            storeRows[i] = matrix.storeRow(rows[i]);
        }
        return storeRows;
    }

    /** The segment and byte offset of eight rows. */
    final void locate(int[] handles, int hAt, ByteBuffer[] b, int[] o) {
        for (int r = 0; r < 8; r++) {
            int row = handles[hAt + r];
            int s = store.segmentOf(row);
            b[r] = store.segment(s);
            o[r] = store.byteOffset(row, s);
        }
    }

    @Override
    String describe() {
        return store.precision() + (store.mapped() ? " mapped" : " heap") + " buffers, simd(" + F.vectorBitSize()
                + "-bit)";
    }

    final FloatVector f32(ByteBuffer b, int at) {
        return FloatVector.fromByteBuffer(F, b, at, order);
    }

    final float f32Scalar(ByteBuffer b, int at) {
        return b.getFloat(at);
    }

    final FloatVector bf16(ByteBuffer b, int at) {
        IntVector wide = (IntVector) ShortVector.fromByteBuffer(S, b, at, order).convertShape(VectorOperators.S2I, I, 0);
        return wide.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    final float bf16Scalar(ByteBuffer b, int at) {
        return HalfFloats.bf16ToFloat(b.getShort(at));
    }

    /** Exact for finite values (the store checked there are no others), subnormals included. */
    final FloatVector f16(ByteBuffer b, int at) {
        IntVector wide = (IntVector) ShortVector.fromByteBuffer(S, b, at, order).convertShape(VectorOperators.S2I, I, 0);
        FloatVector magnitude = wide.and(0x7FFF).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats()
                .mul(F16_REBIAS);
        // Sign extension copied the half's sign bit into bit 31.
        return magnitude.reinterpretAsInts().or(wide.and(0x8000_0000)).reinterpretAsFloats();
    }

    final float f16Scalar(ByteBuffer b, int at) {
        return HalfFloats.f16ToFloat(b.getShort(at));
    }

    /** Float32 rows: plain vector loads from the buffer. */
    private static final class F32Rows extends SimdBufferRows {
        F32Rows(FeatureMatrix matrix, BufferStore store) {
            super(matrix, store);
        }

        @Override
        float dot(float[] v, int handle) {
            int s = store.segmentOf(handle);
            ByteBuffer b = store.segment(s);
            int o = store.byteOffset(handle, s);
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            FloatVector acc2 = FloatVector.zero(F);
            FloatVector acc3 = FloatVector.zero(F);
            int j = 0;
            for (; j + 4 * L <= dim; j += 4 * L) {
                acc0 = f32(b, o + 4 * j).fma(FloatVector.fromArray(F, v, j), acc0);
                acc1 = f32(b, o + 4 * (j + L)).fma(FloatVector.fromArray(F, v, j + L), acc1);
                acc2 = f32(b, o + 4 * (j + 2 * L)).fma(FloatVector.fromArray(F, v, j + 2 * L), acc2);
                acc3 = f32(b, o + 4 * (j + 3 * L)).fma(FloatVector.fromArray(F, v, j + 3 * L), acc3);
            }
            for (; j + L <= dim; j += L) {
                acc0 = f32(b, o + 4 * j).fma(FloatVector.fromArray(F, v, j), acc0);
            }
            float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
            for (; j < dim; j++) {
                sum += v[j] * f32Scalar(b, o + 4 * j);
            }
            return sum;
        }

        @Override
        void axpy(float alpha, int handle, float[] y) {
            int s = store.segmentOf(handle);
            ByteBuffer b = store.segment(s);
            int o = store.byteOffset(handle, s);
            FloatVector a = FloatVector.broadcast(F, alpha);
            int j = 0;
            for (; j + L <= dim; j += L) {
                f32(b, o + 4 * j).fma(a, FloatVector.fromArray(F, y, j)).intoArray(y, j);
            }
            for (; j < dim; j++) {
                y[j] += alpha * f32Scalar(b, o + 4 * j);
            }
        }

        @Override
        void axpy8(float[] a, int at, int[] handles, int hAt, float[] y) {
            FloatVector a0 = FloatVector.broadcast(F, a[at]);
            FloatVector a1 = FloatVector.broadcast(F, a[at + 1]);
            FloatVector a2 = FloatVector.broadcast(F, a[at + 2]);
            FloatVector a3 = FloatVector.broadcast(F, a[at + 3]);
            FloatVector a4 = FloatVector.broadcast(F, a[at + 4]);
            FloatVector a5 = FloatVector.broadcast(F, a[at + 5]);
            FloatVector a6 = FloatVector.broadcast(F, a[at + 6]);
            FloatVector a7 = FloatVector.broadcast(F, a[at + 7]);
            ByteBuffer[] b = new ByteBuffer[8];
            int[] o = new int[8];
            locate(handles, hAt, b, o);
            ByteBuffer b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3], b4 = b[4], b5 = b[5], b6 = b[6], b7 = b[7];
            int o0 = o[0], o1 = o[1], o2 = o[2], o3 = o[3], o4 = o[4], o5 = o[5], o6 = o[6], o7 = o[7];
            int j = 0;
            for (; j + L <= dim; j += L) {
                int w = 4 * j;
                FloatVector t0 = f32(b1, o1 + w).fma(a1, f32(b0, o0 + w).mul(a0));
                FloatVector t1 = f32(b3, o3 + w).fma(a3, f32(b2, o2 + w).mul(a2));
                FloatVector t2 = f32(b5, o5 + w).fma(a5, f32(b4, o4 + w).mul(a4));
                FloatVector t3 = f32(b7, o7 + w).fma(a7, f32(b6, o6 + w).mul(a6));
                FloatVector.fromArray(F, y, j).add(t0.add(t1).add(t2.add(t3))).intoArray(y, j);
            }
            for (; j < dim; j++) {
                float s = 0;
                for (int r = 0; r < 8; r++) {
                    s += a[at + r] * f32Scalar(b[r], o[r] + 4 * j);
                }
                y[j] += s;
            }
        }

        @Override
        float sum(int handle) {
            int s = store.segmentOf(handle);
            ByteBuffer b = store.segment(s);
            int o = store.byteOffset(handle, s);
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            int j = 0;
            for (; j + 2 * L <= dim; j += 2 * L) {
                acc0 = acc0.add(f32(b, o + 4 * j));
                acc1 = acc1.add(f32(b, o + 4 * (j + L)));
            }
            float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
            for (; j < dim; j++) {
                sum += f32Scalar(b, o + 4 * j);
            }
            return sum;
        }
    }

    /** Bfloat16 rows: 16-bit loads widened to int lanes and shifted into a float's top half. */
    private static final class Bf16Rows extends SimdBufferRows {
        Bf16Rows(FeatureMatrix matrix, BufferStore store) {
            super(matrix, store);
        }

        @Override
        float dot(float[] v, int handle) {
            int s = store.segmentOf(handle);
            ByteBuffer b = store.segment(s);
            int o = store.byteOffset(handle, s);
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            FloatVector acc2 = FloatVector.zero(F);
            FloatVector acc3 = FloatVector.zero(F);
            int j = 0;
            for (; j + 4 * L <= dim; j += 4 * L) {
                acc0 = bf16(b, o + 2 * j).fma(FloatVector.fromArray(F, v, j), acc0);
                acc1 = bf16(b, o + 2 * (j + L)).fma(FloatVector.fromArray(F, v, j + L), acc1);
                acc2 = bf16(b, o + 2 * (j + 2 * L)).fma(FloatVector.fromArray(F, v, j + 2 * L), acc2);
                acc3 = bf16(b, o + 2 * (j + 3 * L)).fma(FloatVector.fromArray(F, v, j + 3 * L), acc3);
            }
            for (; j + L <= dim; j += L) {
                acc0 = bf16(b, o + 2 * j).fma(FloatVector.fromArray(F, v, j), acc0);
            }
            float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
            for (; j < dim; j++) {
                sum += v[j] * bf16Scalar(b, o + 2 * j);
            }
            return sum;
        }

        @Override
        void axpy(float alpha, int handle, float[] y) {
            int s = store.segmentOf(handle);
            ByteBuffer b = store.segment(s);
            int o = store.byteOffset(handle, s);
            FloatVector a = FloatVector.broadcast(F, alpha);
            int j = 0;
            for (; j + L <= dim; j += L) {
                bf16(b, o + 2 * j).fma(a, FloatVector.fromArray(F, y, j)).intoArray(y, j);
            }
            for (; j < dim; j++) {
                y[j] += alpha * bf16Scalar(b, o + 2 * j);
            }
        }

        @Override
        void axpy8(float[] a, int at, int[] handles, int hAt, float[] y) {
            FloatVector a0 = FloatVector.broadcast(F, a[at]);
            FloatVector a1 = FloatVector.broadcast(F, a[at + 1]);
            FloatVector a2 = FloatVector.broadcast(F, a[at + 2]);
            FloatVector a3 = FloatVector.broadcast(F, a[at + 3]);
            FloatVector a4 = FloatVector.broadcast(F, a[at + 4]);
            FloatVector a5 = FloatVector.broadcast(F, a[at + 5]);
            FloatVector a6 = FloatVector.broadcast(F, a[at + 6]);
            FloatVector a7 = FloatVector.broadcast(F, a[at + 7]);
            ByteBuffer[] b = new ByteBuffer[8];
            int[] o = new int[8];
            locate(handles, hAt, b, o);
            ByteBuffer b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3], b4 = b[4], b5 = b[5], b6 = b[6], b7 = b[7];
            int o0 = o[0], o1 = o[1], o2 = o[2], o3 = o[3], o4 = o[4], o5 = o[5], o6 = o[6], o7 = o[7];
            int j = 0;
            for (; j + L <= dim; j += L) {
                int w = 2 * j;
                FloatVector t0 = bf16(b1, o1 + w).fma(a1, bf16(b0, o0 + w).mul(a0));
                FloatVector t1 = bf16(b3, o3 + w).fma(a3, bf16(b2, o2 + w).mul(a2));
                FloatVector t2 = bf16(b5, o5 + w).fma(a5, bf16(b4, o4 + w).mul(a4));
                FloatVector t3 = bf16(b7, o7 + w).fma(a7, bf16(b6, o6 + w).mul(a6));
                FloatVector.fromArray(F, y, j).add(t0.add(t1).add(t2.add(t3))).intoArray(y, j);
            }
            for (; j < dim; j++) {
                float s = 0;
                for (int r = 0; r < 8; r++) {
                    s += a[at + r] * bf16Scalar(b[r], o[r] + 2 * j);
                }
                y[j] += s;
            }
        }

        @Override
        float sum(int handle) {
            int s = store.segmentOf(handle);
            ByteBuffer b = store.segment(s);
            int o = store.byteOffset(handle, s);
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            int j = 0;
            for (; j + 2 * L <= dim; j += 2 * L) {
                acc0 = acc0.add(bf16(b, o + 2 * j));
                acc1 = acc1.add(bf16(b, o + 2 * (j + L)));
            }
            float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
            for (; j < dim; j++) {
                sum += bf16Scalar(b, o + 2 * j);
            }
            return sum;
        }
    }

    /** Float16 rows: 16-bit loads, exponent rebiased by one multiply by 2^112, sign put back. */
    private static final class F16Rows extends SimdBufferRows {
        F16Rows(FeatureMatrix matrix, BufferStore store) {
            super(matrix, store);
        }

        @Override
        float dot(float[] v, int handle) {
            int s = store.segmentOf(handle);
            ByteBuffer b = store.segment(s);
            int o = store.byteOffset(handle, s);
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            FloatVector acc2 = FloatVector.zero(F);
            FloatVector acc3 = FloatVector.zero(F);
            int j = 0;
            for (; j + 4 * L <= dim; j += 4 * L) {
                acc0 = f16(b, o + 2 * j).fma(FloatVector.fromArray(F, v, j), acc0);
                acc1 = f16(b, o + 2 * (j + L)).fma(FloatVector.fromArray(F, v, j + L), acc1);
                acc2 = f16(b, o + 2 * (j + 2 * L)).fma(FloatVector.fromArray(F, v, j + 2 * L), acc2);
                acc3 = f16(b, o + 2 * (j + 3 * L)).fma(FloatVector.fromArray(F, v, j + 3 * L), acc3);
            }
            for (; j + L <= dim; j += L) {
                acc0 = f16(b, o + 2 * j).fma(FloatVector.fromArray(F, v, j), acc0);
            }
            float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
            for (; j < dim; j++) {
                sum += v[j] * f16Scalar(b, o + 2 * j);
            }
            return sum;
        }

        @Override
        void axpy(float alpha, int handle, float[] y) {
            int s = store.segmentOf(handle);
            ByteBuffer b = store.segment(s);
            int o = store.byteOffset(handle, s);
            FloatVector a = FloatVector.broadcast(F, alpha);
            int j = 0;
            for (; j + L <= dim; j += L) {
                f16(b, o + 2 * j).fma(a, FloatVector.fromArray(F, y, j)).intoArray(y, j);
            }
            for (; j < dim; j++) {
                y[j] += alpha * f16Scalar(b, o + 2 * j);
            }
        }

        @Override
        void axpy8(float[] a, int at, int[] handles, int hAt, float[] y) {
            FloatVector a0 = FloatVector.broadcast(F, a[at]);
            FloatVector a1 = FloatVector.broadcast(F, a[at + 1]);
            FloatVector a2 = FloatVector.broadcast(F, a[at + 2]);
            FloatVector a3 = FloatVector.broadcast(F, a[at + 3]);
            FloatVector a4 = FloatVector.broadcast(F, a[at + 4]);
            FloatVector a5 = FloatVector.broadcast(F, a[at + 5]);
            FloatVector a6 = FloatVector.broadcast(F, a[at + 6]);
            FloatVector a7 = FloatVector.broadcast(F, a[at + 7]);
            ByteBuffer[] b = new ByteBuffer[8];
            int[] o = new int[8];
            locate(handles, hAt, b, o);
            ByteBuffer b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3], b4 = b[4], b5 = b[5], b6 = b[6], b7 = b[7];
            int o0 = o[0], o1 = o[1], o2 = o[2], o3 = o[3], o4 = o[4], o5 = o[5], o6 = o[6], o7 = o[7];
            int j = 0;
            for (; j + L <= dim; j += L) {
                int w = 2 * j;
                FloatVector t0 = f16(b1, o1 + w).fma(a1, f16(b0, o0 + w).mul(a0));
                FloatVector t1 = f16(b3, o3 + w).fma(a3, f16(b2, o2 + w).mul(a2));
                FloatVector t2 = f16(b5, o5 + w).fma(a5, f16(b4, o4 + w).mul(a4));
                FloatVector t3 = f16(b7, o7 + w).fma(a7, f16(b6, o6 + w).mul(a6));
                FloatVector.fromArray(F, y, j).add(t0.add(t1).add(t2.add(t3))).intoArray(y, j);
            }
            for (; j < dim; j++) {
                float s = 0;
                for (int r = 0; r < 8; r++) {
                    s += a[at + r] * f16Scalar(b[r], o[r] + 2 * j);
                }
                y[j] += s;
            }
        }

        @Override
        float sum(int handle) {
            int s = store.segmentOf(handle);
            ByteBuffer b = store.segment(s);
            int o = store.byteOffset(handle, s);
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            int j = 0;
            for (; j + 2 * L <= dim; j += 2 * L) {
                acc0 = acc0.add(f16(b, o + 2 * j));
                acc1 = acc1.add(f16(b, o + 2 * (j + L)));
            }
            float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
            for (; j < dim; j++) {
                sum += f16Scalar(b, o + 2 * j);
            }
            return sum;
        }
    }
}
