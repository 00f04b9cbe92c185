package dev.qprobe.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.qprobe.data.SampleSet;
import dev.qprobe.data.SyntheticSamples;
import org.junit.jupiter.api.Test;

/** The default grid's k axis comes from the data: powers of two up to the fewest candidates. */
class EvaluationGridDefaultsTest {

    @Test
    void defaultKsFollowTheCandidatesPerPrompt() {
        SampleSet twelve = SyntheticSamples.generate(6, 12, 4, 0.3, 1);
        double[] scores = new double[twelve.size()];
        EvaluationResult r = Evaluation.evaluate("probe", twelve, scores, EvaluationGrid.defaults());
        assertArrayEquals(new int[] {1, 2, 4, 8, 12}, r.grid().ks(), "no 'k = 48 exceeds' on 12 candidates");
        assertArrayEquals(new int[] {1, 2, 4, 8, 16, 32, 48},
                EvaluationGrid.defaults().forData(SyntheticSamples.generate(3, 48, 4, 0.3, 1)).ks());
        assertArrayEquals(new int[] {1, 3}, EvaluationGrid.defaults().withKs(3, 1).forData(twelve).ks(),
                "chosen k values stay");
        assertFalse(EvaluationGrid.defaults().hasKs());
    }
}
