package dev.qprobe.probe.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.qprobe.data.FeatureMatrix;
import org.junit.jupiter.api.Test;

/** Features reach the device intact however many chunks the upload takes. */
class DeviceFeaturesTest {

    @Test
    void chunkedUploadCopiesEveryRow() {
        int rows = 11;
        int dim = 5;
        float[] values = new float[rows * dim];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.25f - 3;
        }
        FeatureMatrix features = FeatureMatrix.wrap(values, rows, dim, "test");
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), DjlBackend.ENGINE)) {
            // Three rows per chunk: four chunks, the last one short.
            NDArray x = DeviceFeatures.upload(manager, features, 3L * dim * Float.BYTES);
            assertEquals(rows, x.getShape().get(0));
            assertEquals(dim, x.getShape().get(1));
            assertArrayEquals(values, x.toFloatArray());
            // A chunk bigger than the matrix: one upload.
            assertArrayEquals(values, DeviceFeatures.upload(manager, features, 1L << 20).toFloatArray());
        }
    }
}
