package dev.qprobe;

import java.util.Collection;
import java.util.Locale;

/** "Did you mean ...?" for a mistyped name: the valid name nearest to it, if one is near. */
public final class Suggestions {
    private Suggestions() {
    }

    /**
     * " — did you mean NAME?" for the valid name closest to {@code typed} (ignoring case) when it
     * is within a third of its length in edits (at least 1, at most 3), else "".
     */
    public static String didYouMean(String typed, Collection<String> valid) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String t = typed.trim().toLowerCase(Locale.ROOT);
        for (String name : valid) {
            String n = name.toLowerCase(Locale.ROOT);
            // A label with settings, "PG(k=10,T=0.1)", is also near its bare name "PG".
            int d = distance(t, n);
            if (n.contains("(")) {
                d = Math.min(d, distance(t, n.substring(0, n.indexOf('('))));
            }
            if (d < bestDistance) {
                best = name;
                bestDistance = d;
            }
        }
        int allowed = Math.min(3, Math.max(1, t.length() / 3));
        return best != null && bestDistance <= allowed ? " — did you mean " + best + "?" : "";
    }

    /** Levenshtein distance, counting a swap of neighbours as one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
