-- Nodes that have run against this database: the first table of the metadata layer, and what /v1/health
-- checks the database with. Portable between H2 (embedded default) and PostgreSQL.
CREATE TABLE ssmd_node (
    name        VARCHAR(200)             NOT NULL PRIMARY KEY,
    version     VARCHAR(50)              NOT NULL,
    started_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen   TIMESTAMP WITH TIME ZONE NOT NULL
);
