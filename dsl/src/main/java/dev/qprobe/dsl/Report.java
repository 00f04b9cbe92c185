package dev.qprobe.dsl;

import dev.qprobe.eval.Estimate;
import dev.qprobe.eval.EvaluationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@link Results#report()}: the compact text summary the {@code qprobe} commands print. */
final class Report {
    private static final String ROW = "%-18s";

    private Report() {
    }

    static String of(List<EvaluationResult> results) {
        EvaluationResult first = results.get(0);
        int[] ks = summaryKs(first.grid().ks());
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "expected reward on %d held-out prompts, argmax selection (beta = 0), 95%% CI%n", first.promptCount()));
        out.append(String.format(Locale.ROOT, ROW, "method"));
        for (int k : ks) {
            out.append(String.format(Locale.ROOT, "%22s", "k = " + k));
        }
        out.append(System.lineSeparator());
        for (EvaluationResult r : results) {
            out.append(String.format(Locale.ROOT, ROW, r.label()));
            for (int k : ks) {
                out.append(cell(r.reward(k, 0)));
            }
            out.append(System.lineSeparator());
        }
        out.append(String.format(Locale.ROOT, ROW, "oracle (pass@k)"));
        for (int k : ks) {
            out.append(cell(first.oracle(k)));
        }
        out.append(System.lineSeparator());
        Estimate base = first.base();
        out.append(String.format(Locale.ROOT, ROW, "base (k = 1)")).append(cell(base)).append(System.lineSeparator());
        List<String> verdicts = verdicts(results);
        out.append(System.lineSeparator()).append(verdicts.get(0)).append(System.lineSeparator());
        for (String line : verdicts.subList(1, verdicts.size())) {
            out.append("  ").append(line).append(System.lineSeparator());
        }
        return out.toString();
    }

    /**
     * Whether each probe beats the base at the largest k: a heading line, then one line per probe
     * ("PG(k=10,T=0.1)      +0.412  beats the base: ...").
     */
    static List<String> verdicts(List<EvaluationResult> results) {
        EvaluationResult first = results.get(0);
        int[] ks = first.grid().ks();
        int k = ks[ks.length - 1];
        Estimate base = first.base();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "at k = %d, argmax vs base (%.3f [%.3f, %.3f]):", k, base.value(),
                base.low(), base.high()));
        for (EvaluationResult r : results) {
            Estimate probe = r.reward(k, 0);
            lines.add(String.format(Locale.ROOT, "%-16s %+.3f  %s", r.label(), probe.value() - base.value(),
                    probe.low() > base.high() ? "beats the base: the 95% CIs do not overlap"
                            : "does not clearly beat the base (95% CIs overlap)"));
        }
        return lines;
    }

    /** 1, 4, 16, ... (powers of 4) below the largest k evaluated, then that k: a row that fits a terminal. */
    static int[] summaryKs(int[] evaluated) {
        int max = evaluated[evaluated.length - 1];
        List<Integer> ks = new ArrayList<>();
        for (int k : evaluated) {
            if (k < max && Integer.bitCount(k) == 1 && Integer.numberOfTrailingZeros(k) % 2 == 0) {
                ks.add(k);
            }
        }
        ks.add(max);
        return ks.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String cell(Estimate e) {
        String text = Double.isNaN(e.low()) ? String.format(Locale.ROOT, "%.3f", e.value())
                : String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", e.value(), e.low(), e.high());
        return String.format(Locale.ROOT, "%22s", text);
    }
}
