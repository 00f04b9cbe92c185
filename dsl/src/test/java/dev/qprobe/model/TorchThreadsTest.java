package dev.qprobe.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TorchThreadsTest {

    @Test
    void theCoresWhenOpenMpWaitsPassivelyElseOneThread() {
        assertEquals(new TorchThreads.Wish(6, "cores available to the JVM"), TorchThreads.wish(null, null, 6, true));
        assertEquals(1, TorchThreads.wish(null, "", 6, false).intraOp());
        assertTrue(TorchThreads.wish(null, null, 6, false).source().contains("OMP_WAIT_POLICY"));
    }

    @Test
    void theOptionBeatsTheEnvironmentWhichBeatsTheDefault() {
        assertEquals(new TorchThreads.Wish(3, "--threads 3"), TorchThreads.wish(" 3 ", "5", 8, true));
        assertEquals(new TorchThreads.Wish(5, "QPROBE_THREADS=5"), TorchThreads.wish(null, "5", 8, false));
        assertEquals(0, TorchThreads.wish(null, "0", 8, true).intraOp(), "0 keeps PyTorch's defaults");
    }

    @Test
    void aBadValueNamesWhereItCameFrom() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TorchThreads.wish(null, "many", 2, true));
        assertTrue(e.getMessage().contains("QPROBE_THREADS is \"many\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TorchThreads.wish("-1", null, 2, true));
        assertTrue(e.getMessage().contains("--threads"), e.getMessage());
    }

    @Test
    void configureSetsTheEngineOnceAndReportsWhatHolds() {
        TorchThreads.Settings settings = TorchThreads.configure();
        assertSame(settings, TorchThreads.configure());
        String env = System.getenv(TorchThreads.ENV);
        if (System.getProperty(TorchThreads.PROPERTY) == null && env == null) {
            boolean passive = "passive".equalsIgnoreCase(System.getenv("OMP_WAIT_POLICY"));
            assertEquals(passive ? Runtime.getRuntime().availableProcessors() : 1, settings.intraOp(), settings.toString());
            assertEquals(1, settings.interOp(), settings.toString());
        }
        assertEquals(settings.intraOp(), ai.djl.pytorch.jni.JniUtils.getNumThreads());
    }
}
