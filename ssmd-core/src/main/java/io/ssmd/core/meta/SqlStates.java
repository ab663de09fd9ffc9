package io.ssmd.core.meta;

import java.sql.SQLException;

/** What a failed statement's SQLState says, the same on PostgreSQL and H2. */
final class SqlStates {

    private SqlStates() {}

    /** Whether {@code e} (or a cause) is a unique violation: another writer inserted the same key first. */
    static boolean uniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // 23505: unique_violation in PostgreSQL and H2 alike.
            if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
