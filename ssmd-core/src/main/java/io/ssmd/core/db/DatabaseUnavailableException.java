package io.ssmd.core.db;

import io.ssmd.core.Secrets;

/** The configured database could not be reached or migrated. */
public final class DatabaseUnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public DatabaseUnavailableException(String url, Throwable cause) {
        super(
                "database " + redact(url) + " is unavailable: " + redact(rootMessage(cause))
                        + ". Check ssmd.db.url (or SSMD_DB_URL), SSMD_DB_USER and SSMD_DB_PASSWORD.",
                cause);
    }

    /** A JDBC URL may carry a password parameter or a user:password@; neither reaches a log line. */
    static String redact(String url) {
        return Secrets.redactUrl(url);
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
