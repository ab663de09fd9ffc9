package io.ssmd.core.meta;

import io.ssmd.core.db.Database;
import org.jdbi.v3.core.Jdbi;

/**
 * SQL access to the metadata tables through Jdbi, over the node's one connection pool. The registries in this package
 * take it; nothing else opens connections for metadata. JSON columns are TEXT on both databases (H2 and PostgreSQL
 * bind JSON differently), so callers store and read JSON as strings.
 */
public final class Metadata {

    private final Jdbi jdbi;

    private Metadata(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public static Metadata of(Database database) {
        return new Metadata(Jdbi.create(database.dataSource()));
    }

    public Jdbi jdbi() {
        return jdbi;
    }
}
