package io.ssmd.core.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds the known name an unknown one was probably meant to be, so an error can say "did you mean". Compares
 * ignoring case, dashes and underscores ({@code maxAge} and {@code max_age} both suggest {@code max-age}) with the
 * optimal-string-alignment distance, which counts a swap of two letters ({@code instrumnets}) as one edit.
 */
public final class ClosestKey {

    private ClosestKey() {}

    public static Optional<String> to(String unknown, Collection<String> known) {
        String wanted = normalize(unknown);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(wanted, normalize(candidate));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        // Two edits for long names, one for short ones: beyond that a "suggestion" is mostly noise.
        int allowed = wanted.length() >= 6 ? 2 : 1;
        return bestDistance <= allowed ? Optional.ofNullable(best) : Optional.empty();
    }

    private static String normalize(String s) {
        return s.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    private static int distance(String a, String b) {
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
