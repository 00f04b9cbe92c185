package dev.qprobe.probe.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.probe.Standardizer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A feature matrix and its standardizer copied once onto a device. The copy goes through one
 * reused direct buffer of at most {@link #CHUNK_BYTES}: a direct buffer holds at most 2 GiB, and
 * a 7B model's feature set is far larger.
 */
final class DeviceFeatures implements AutoCloseable {
    /** Bytes per upload chunk: well under the 2 GiB a direct buffer can hold. */
    static final long CHUNK_BYTES = 1L << 30;

    final NDManager manager;
    /** rows x dim, float32. */
    final NDArray x;
    /** dim, float32. */
    final NDArray mean;
    /** dim, float32. */
    final NDArray invStd;
    final int rows;
    final int dim;

    DeviceFeatures(NDManager parent, FeatureMatrix features, Standardizer standardizer) {
        if (standardizer.dim() != features.dim()) {
            throw new IllegalArgumentException("standardizer has " + standardizer.dim()
                    + " dimensions but the features have " + features.dim());
        }
        this.manager = parent.newSubManager();
        this.rows = features.rows();
        this.dim = features.dim();
        try {
            this.x = upload(manager, features, CHUNK_BYTES);
            this.mean = manager.create(standardizer.mean());
            this.invStd = manager.create(standardizer.invStd());
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Copies {@code features} into a new rows x dim array of {@code manager}, at most {@code chunkBytes} at a time. */
    static NDArray upload(NDManager manager, FeatureMatrix features, long chunkBytes) {
        int dim = features.dim();
        int rows = features.rows();
        long rowBytes = (long) dim * Float.BYTES;
        int chunkRows = (int) Math.max(1, Math.min(rows, chunkBytes / rowBytes));
        NDArray x = manager.zeros(new Shape(rows, dim), DataType.FLOAT32);
        if (rows == 0) {
            return x;
        }
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) (chunkRows * rowBytes)).order(ByteOrder.nativeOrder());
        for (int from = 0; from < rows; from += chunkRows) {
            int to = Math.min(rows, from + chunkRows);
            buffer.clear();
            features.copyRows(from, to, buffer.asFloatBuffer());
            buffer.limit((int) ((to - from) * rowBytes));
            try (NDManager scope = manager.newSubManager()) {
                NDArray chunk = scope.create(buffer, new Shape(to - from, dim), DataType.FLOAT32);
                x.set(new NDIndex(from + ":" + to), chunk);
            }
        }
        return x;
    }

    /** Makes the arrays here the owners of whatever {@code scope} computes from them, until it closes. */
    void lendTo(NDManager scope) {
        x.tempAttach(scope);
        mean.tempAttach(scope);
        invStd.tempAttach(scope);
    }

    @Override
    public void close() {
        manager.close();
    }
}
