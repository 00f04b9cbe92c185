package dev.qprobe.train;

import dev.qprobe.Suggestions;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads objectives by name: {@link Objective#parse}. */
final class Objectives {
    private static final List<String> NAMES = List.of("PG", "MSE", "CE", "PAIRWISE");
    private static final Pattern PG = Pattern.compile("PG\\(k=(\\d+),T=([^)]+)\\)", Pattern.CASE_INSENSITIVE);

    private Objectives() {
    }

    static Objective parse(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        switch (n) {
            case "PG":
                return Objective.PG;
            case "MSE":
                return Objective.MSE;
            case "CE":
                return Objective.CE;
            case "PAIRWISE":
                return Objective.PAIRWISE;
            default:
                Matcher m = PG.matcher(name.trim().replace(" ", ""));
                if (m.matches()) {
                    try {
                        return Objective.pg(Integer.parseInt(m.group(1)), Double.parseDouble(m.group(2)));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("unknown objective '" + name + "': write PG(k=10,T=0.1)");
                    }
                }
                throw new IllegalArgumentException("unknown objective '" + name + "'"
                        + Suggestions.didYouMean(n.replaceAll("\\(.*", ""), NAMES) + " (objectives: PG, MSE, CE, PAIRWISE)");
        }
    }
}
