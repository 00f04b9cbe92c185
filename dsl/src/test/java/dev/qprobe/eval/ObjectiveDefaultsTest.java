package dev.qprobe.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.SampleSet;
import dev.qprobe.data.SyntheticSamples;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectiveDefaultsTest {

    @Test
    void tuningTriesTheGridOnHeldOutTrainPromptsAndKeepsTheBestPerObjective() {
        SampleSet train = SyntheticSamples.generate(20, 48, 8, 0.5, 1);
        ObjectiveDefaults.Tuning t = ObjectiveDefaults.tune(train, 48, 0);
        assertEquals(List.of("PG", "MSE", "CE"), t.choices().stream().map(ObjectiveDefaults.Choice::label).toList());
        // PG: 2 training temperatures x 2 learning rates x 2 epoch counts; MSE and CE: 2 x 2 each.
        assertEquals(8 + 4 + 4, t.tried().size());
        for (ObjectiveDefaults.Choice c : t.choices()) {
            assertTrue(c.heldOutReward() >= 0 && c.heldOutReward() <= 1, c.toString());
            assertTrue(Double.isFinite(c.heldOutLoss()), c.toString());
            for (String line : t.tried()) {
                // No setting of the same objective scored a higher held-out reward than the choice.
                if (line.trim().startsWith(c.objective().name().equals("MSE") || c.objective().name().equals("CE")
                        ? c.objective().name() + " " : "PG(")) {
                    double reward = Double.parseDouble(line.replaceAll(".*held-out reward@48 ([0-9.]+),.*", "$1"));
                    assertTrue(reward <= c.heldOutReward() + 1e-9, line + " beats the choice " + c);
                }
            }
        }
        assertTrue(t.report().contains("chosen PG"), t.report());
        assertEquals("PG(k=10,T=1)", ObjectiveDefaults.paperPg().name());
    }
}
