package dev.qprobe.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The step types enforce sample -> embed -> probe -> select at compile time: no step offers a later one's verb. */
class StepOrderTest {

    @Test
    void eachStepOffersOnlyTheNextVerb() {
        assertEquals(List.of(), verbs(Samples.class, "probe", "select"), "Samples must be embedded first");
        assertEquals(List.of(), verbs(Features.class, "select"), "Features must be probed first");
        assertEquals(List.of("embed"), verbs(Samples.class, "embed"));
        assertEquals(List.of("select"), verbs(Probes.class, "select"));
        assertEquals("dev.qprobe.model", dev.qprobe.model.Model.class.getPackageName());
    }

    private static List<String> verbs(Class<?> type, String... names) {
        return Arrays.stream(type.getMethods()).map(Method::getName).filter(n -> Arrays.asList(names).contains(n))
                .distinct().toList();
    }
}
