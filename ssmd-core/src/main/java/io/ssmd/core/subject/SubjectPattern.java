package io.ssmd.core.subject;

/**
 * NATS subject wildcards: {@code *} matches one token, a trailing {@code >} one or more. Used to check, before
 * anything starts, which stream stores each subject a connector can publish.
 */
public final class SubjectPattern {

    private SubjectPattern() {}

    /** Whether every subject matched by {@code pattern} is also matched by {@code filter}. */
    public static boolean covers(String filter, String pattern) {
        String[] f = filter.split("\\.", -1);
        String[] p = pattern.split("\\.", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals(">")) {
                return i < p.length;
            }
            if (i >= p.length) {
                return false;
            }
            if (p[i].equals(">")) {
                return false;
            }
            if (!f[i].equals("*") && (p[i].equals("*") || !f[i].equals(p[i]))) {
                return false;
            }
        }
        return f.length == p.length;
    }

    /** Whether some subject is matched by both patterns. */
    public static boolean overlaps(String a, String b) {
        String[] x = a.split("\\.", -1);
        String[] y = b.split("\\.", -1);
        int n = Math.min(x.length, y.length);
        for (int i = 0; i < n; i++) {
            if (x[i].equals(">") || y[i].equals(">")) {
                return true;
            }
            if (!x[i].equals("*") && !y[i].equals("*") && !x[i].equals(y[i])) {
                return false;
            }
        }
        return x.length == y.length;
    }
}
