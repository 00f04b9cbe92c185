package dev.qprobe.probe.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qprobe.data.BufferStore;
import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.data.FeaturePrecision;
import dev.qprobe.data.HalfFloats;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The kernels of every store kind against plain float arithmetic on the decoded rows. */
class FeatureRowsTest {

    /** A store of the given precision over {@code values}, cut into segments of {@code perSegment} rows. */
    static FeatureMatrix store(float[] values, int rows, int dim, FeaturePrecision precision, ByteOrder order,
                               int perSegment) {
        List<ByteBuffer> segments = new ArrayList<>();
        for (int from = 0; from < rows; from += perSegment) {
            int count = Math.min(perSegment, rows - from);
            ByteBuffer b = ByteBuffer.allocateDirect(count * dim * precision.bytes()).order(order);
            for (int i = 0; i < count * dim; i++) {
                float v = values[from * dim + i];
                switch (precision) {
                    case F32 -> b.putFloat(v);
                    case F16 -> b.putShort(HalfFloats.floatToF16(v));
                    case BF16 -> b.putShort(HalfFloats.floatToBf16(v));
                }
            }
            segments.add(b);
        }
        return FeatureMatrix.of(BufferStore.of(precision, order, dim, segments, false, "test"));
    }

    @ParameterizedTest
    @CsvSource({"F32, 1, LITTLE", "F16, 3, LITTLE", "BF16, 4, LITTLE", "F16, 5, BIG", "BF16, 100, LITTLE",
            "F32, 7, BIG", "BF16, 1, HEAP", "F32, 1, HEAP"})
    void kernelsMatchTheDecodedRows(FeaturePrecision precision, int perSegment, String order) {
        for (int dim : new int[] {1, 13, 64, 100, 515, 4096}) {
            int rows = 21;
            SplittableRandom rng = new SplittableRandom(dim);
            float[] values = new float[rows * dim];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) rng.nextGaussian();
            }
            FeatureMatrix stored = order.equals("HEAP")
                    ? FeatureMatrix.wrap(values, rows, dim, "test").withPrecision(precision)
                    : store(values, rows, dim, precision,
                            order.equals("BIG") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN, perSegment);
            FeatureMatrix m = stored.selectRows(new int[] {20, 3, 4, 5, 0, 19, 7, 8, 9, 11});
            FeatureRows kernel = FeatureRows.of(m);
            int[] handles = kernel.handles(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
            float[] v = new float[dim + 1];
            for (int j = 0; j < dim; j++) {
                v[j] = (float) rng.nextGaussian();
            }
            float[] a = new float[10];
            for (int r = 0; r < 10; r++) {
                a[r] = (float) rng.nextGaussian();
            }
            float[] vk = kernel.kernelLayout(v);
            float[] y = new float[dim];
            kernel.axpy8(a, 1, handles, 1, y);
            kernel.axpy(a[9], handles[9], y);
            kernel.naturalLayout(y);
            float[] expectedY = new float[dim];
            for (int r = 0; r < 10; r++) {
                float[] row = m.row(r);
                double dot = 0;
                double sum = 0;
                for (int j = 0; j < dim; j++) {
                    dot += (double) v[j] * row[j];
                    sum += row[j];
                    if (r >= 1) {
                        expectedY[j] += a[r] * row[j];
                    }
                }
                float tolerance = 1e-4f * dim;
                assertEquals(dot, kernel.dot(vk, handles[r]), tolerance, precision + " dot, row " + r);
                assertEquals(sum, kernel.sum(handles[r]), tolerance, precision + " sum, row " + r);
            }
            for (int j = 0; j < dim; j++) {
                assertEquals(expectedY[j], y[j], 1e-4f, precision + " axpy, column " + j);
            }
        }
    }

    /** axpy with alpha 1 into zeros yields the widened values themselves: exact for every finite pattern. */
    @ParameterizedTest
    @EnumSource(value = FeaturePrecision.class, names = {"F16", "BF16"})
    void widensEveryFiniteBitPatternExactly(FeaturePrecision precision) {
        int dim = 256;
        List<Short> finite = new ArrayList<>();
        for (int bits = 0; bits < 0x1_0000; bits++) {
            if (HalfFloats.isFinite((short) bits, precision)) {
                finite.add((short) bits);
            }
        }
        int rows = finite.size() / dim;
        ByteBuffer b = ByteBuffer.allocateDirect(rows * dim * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows * dim; i++) {
            b.putShort(finite.get(i));
        }
        FeatureMatrix m = FeatureMatrix.of(BufferStore.of(precision, ByteOrder.LITTLE_ENDIAN, dim, List.of(b), true,
                "patterns"));
        FeatureRows kernel = FeatureRows.of(m);
        for (int r = 0; r < rows; r++) {
            float[] y = new float[dim];
            kernel.axpy(1f, kernel.handles(new int[] {r})[0], y);
            kernel.naturalLayout(y);
            for (int j = 0; j < dim; j++) {
                short bits = finite.get(r * dim + j);
                float expected = precision == FeaturePrecision.BF16 ? HalfFloats.bf16ToFloat(bits)
                        : HalfFloats.f16ToFloat(bits);
                assertEquals(Float.floatToRawIntBits(expected + 0f), Float.floatToRawIntBits(y[j] + 0f),
                        precision + " bits " + Integer.toHexString(bits & 0xFFFF));
            }
        }
    }
}
