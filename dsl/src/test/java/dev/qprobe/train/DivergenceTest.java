package dev.qprobe.train;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.SampleSet;
import dev.qprobe.probe.ProbeSpec;
import org.junit.jupiter.api.Test;

/** A loss that overflows because the data is huge says so, instead of blaming the learning rate. */
class DivergenceTest {

    @Test
    void hugeRewardsAreNamedAsTheCause() {
        SampleSet.Builder b = SampleSet.builder(2);
        for (int i = 0; i < 8; i++) {
            b.add("p" + i % 2, i == 5 ? 1e300 : i % 2, new float[] {i, 1 - i});
        }
        var e = assertThrows(ArithmeticException.class,
                () -> new Trainer(TrainerConfig.defaults().withEpochs(3)).train(b.build(), ProbeSpec.linear(), Objective.MSE));
        assertTrue(e.getMessage().contains("rewards are huge (|r| = 1.00e+300"), e.getMessage());
        assertTrue(!e.getMessage().contains("learning rate"), e.getMessage());
    }
}
