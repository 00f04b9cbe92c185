package dev.qprobe.dsl;

import dev.qprobe.Version;
import dev.qprobe.model.SamplingConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/** What produced a result, as ordered name/value strings (saved next to tables and probes). */
final class Provenance {
    private Provenance() {
    }

    static Map<String, String> of(Probes probes) {
        Features features = probes.features();
        Map<String, String> p = new LinkedHashMap<>();
        if (features.drawnHere()) {
            Samples samples = features.samples();
            SamplingConfig c = samples.config();
            p.put("task", samples.experiment().task().name());
            p.put("model", samples.experiment().model().id());
            p.put("k", Integer.toString(c.k()));
            p.put("temperature", Double.toString(c.temperature()));
            p.put("topP", Double.toString(c.topP()));
            p.put("maxTokens", Integer.toString(c.maxTokens()));
            p.put("stop", c.stop().toString().replace("\n", "\\n"));
            p.put("samplingSeed", Long.toString(c.seed()));
        } else {
            // Brought in: what sampled and embedded them is known only to whoever brought them.
            p.put("k", Integer.toString(features.candidatesPerPrompt()));
        }
        p.put("features", features.embedderId());
        p.put("trainPrompts", Integer.toString(features.train().promptCount()));
        p.put("testPrompts", Integer.toString(features.test().promptCount()));
        p.put("probe", probes.spec().toString());
        p.put("trainer", probes.config().toString());
        p.put("library", "qprobe " + Version.get());
        return p;
    }
}
