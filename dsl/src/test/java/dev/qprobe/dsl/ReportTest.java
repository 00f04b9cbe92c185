package dev.qprobe.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.SampleSet;
import dev.qprobe.data.SyntheticSamples;
import dev.qprobe.train.Objective;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compact report ends with the verdicts that the kernel's display of results shows too. */
class ReportTest {

    @Test
    void theReportEndsWithTheVerdictLines() {
        SampleSet.Split split = SyntheticSamples.generate(60, 12, 16, 0.3, 7).splitByPrompt(0.25, 0);
        Results run = QProbe.features("synthetic", split.train(), split.test()).probe(Objective.PG, Objective.MSE)
                .select(Beta.of(0));
        List<String> verdicts = run.verdicts();
        assertEquals(3, verdicts.size(), verdicts::toString);
        assertTrue(verdicts.get(0).matches("at k = 12, argmax vs base \\(0\\.\\d{3} \\[0\\.\\d{3}, 0\\.\\d{3}\\]\\):"),
                verdicts.get(0));
        assertTrue(verdicts.get(1).matches("PG\\(k=10,T=0.1\\) +\\+.*"), verdicts.get(1));
        assertTrue(verdicts.get(2).matches("MSE {14}[+-]\\d\\.\\d{3}  (beats the base: the 95% CIs do not overlap"
                + "|does not clearly beat the base \\(95% CIs overlap\\))"), verdicts.get(2));
        String nl = System.lineSeparator();
        assertTrue(run.report().endsWith(nl + nl + verdicts.get(0) + nl + "  " + verdicts.get(1) + nl + "  "
                + verdicts.get(2) + nl), run.report());
    }
}
