package dev.qprobe.dsl;

import dev.qprobe.eval.Estimate;
import dev.qprobe.eval.EvaluationResult;
import java.util.List;
import java.util.Locale;
import tech.tablesaw.api.Table;

/** Selection evaluated on the test prompts: one result per probe, with the base rate and the oracle. */
public final class Results {
    private final Probes probes;
    private final List<EvaluationResult> results;

    Results(Probes probes, List<EvaluationResult> results) {
        this.probes = probes;
        this.results = List.copyOf(results);
    }

    public Probes probes() {
        return probes;
    }

    public List<EvaluationResult> results() {
        return results;
    }

    /** objective x k x beta -> reward with 95% CI and KL, plus base and oracle rows. */
    public Table table() {
        return EvaluationResult.combine(results);
    }

    /** The largest k evaluated. */
    public int maxK() {
        int[] ks = results.get(0).grid().ks();
        return ks[ks.length - 1];
    }

    @Override
    public String toString() {
        int k = maxK();
        EvaluationResult first = results.get(0);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "Results[%d test prompts; base %.3f, oracle@%d %.3f",
                first.promptCount(), first.base().value(), k, first.oracle(k).value()));
        for (EvaluationResult r : results) {
            Estimate e = r.reward(k, 0);
            sb.append(String.format(Locale.ROOT, "; %s argmax@%d %.3f [%.3f, %.3f]", r.label(), k, e.value(), e.low(),
                    e.high()));
        }
        return sb.append(']').toString();
    }
}
