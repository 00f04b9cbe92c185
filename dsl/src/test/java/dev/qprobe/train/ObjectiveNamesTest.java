package dev.qprobe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Objectives read back from their names, a typo gets a suggestion, and "beta" means selection only. */
class ObjectiveNamesTest {

    @Test
    void namesReadBackAndIdsAreReadable() {
        for (Objective o : new Objective[] {Objective.PG, Objective.MSE, Objective.CE, Objective.PAIRWISE,
                Objective.pg(4, 0.5)}) {
            assertEquals(o, Objective.parse(o.name()), o.name());
        }
        assertEquals("PG(k=10,T=0.1)", Objective.PG.name());
        assertEquals(Objective.PG, Objective.parse("pg"));
        assertEquals("pg", Objective.PG.id());
        assertEquals("pairwise", Objective.PAIRWISE.id());
        assertEquals("pg-k4-t0.5", Objective.pg(4, 0.5).id());
    }

    @Test
    void aTypoSuggestsTheNearestObjective() {
        var typo = assertThrows(IllegalArgumentException.class, () -> Objective.parse("PGG"));
        assertTrue(typo.getMessage().contains("unknown objective 'PGG' — did you mean PG?"), typo.getMessage());
        var pairwise = assertThrows(IllegalArgumentException.class, () -> Objective.parse("pairwize"));
        assertTrue(pairwise.getMessage().contains("did you mean PAIRWISE?"), pairwise.getMessage());
        var far = assertThrows(IllegalArgumentException.class, () -> Objective.parse("XYZ"));
        assertTrue(!far.getMessage().contains("did you mean") && far.getMessage().contains("PG, MSE, CE, PAIRWISE"),
                far.getMessage());
    }

    @Test
    void betaNamesOnlyTheSelectionTemperature() {
        assertTrue(Arrays.stream(TrainerConfig.class.getRecordComponents())
                .noneMatch(c -> c.getName().toLowerCase(Locale.ROOT).contains("beta")), "Adam's decays are not betas");
        assertTrue(Arrays.stream(TrainerConfig.class.getMethods())
                .noneMatch(m -> m.getName().toLowerCase(Locale.ROOT).contains("beta")));
        assertTrue(!Objective.PG.name().contains("beta"), "PG's training temperature is T");
    }

    @Test
    void aMistypedProbeSuggestsTheNearestKind() {
        var e = assertThrows(IllegalArgumentException.class, () -> dev.qprobe.probe.ProbeSpec.parse("lineer"));
        assertTrue(e.getMessage().contains("did you mean linear?"), e.getMessage());
        var mlp = assertThrows(IllegalArgumentException.class, () -> dev.qprobe.probe.ProbeSpec.parse("mpl(16)"));
        assertTrue(mlp.getMessage().contains("did you mean mlp?") && mlp.getMessage().contains("--probe 'mlp(16)'"),
                mlp.getMessage());
    }
}
