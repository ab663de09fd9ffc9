-- The feed registry and the schema registry (DESIGN §14). Portable between H2 (MODE=PostgreSQL) and PostgreSQL:
-- JSON is TEXT on both, instants are TIMESTAMP WITH TIME ZONE, and every versioned row is temporal: the row in
-- effect at t has effective_from <= t < effective_to, a NULL effective_to being still open.

-- One row per feed ever registered. status: active | disabled.
CREATE TABLE feeds (
    name        VARCHAR(100)             NOT NULL PRIMARY KEY,
    venue       VARCHAR(50)              NOT NULL,
    status      VARCHAR(20)              NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    disabled_at TIMESTAMP WITH TIME ZONE
);

-- What a feed was, version by version: a new row only when the canonical parsed content of its feed file changed
-- (content_hash is SHA-256 over that, not over the file's text). secret_ref names environment variables or files,
-- never a secret's value.
CREATE TABLE feed_versions (
    feed_name                  VARCHAR(100)             NOT NULL REFERENCES feeds (name),
    version                    INTEGER                  NOT NULL,
    effective_from             TIMESTAMP WITH TIME ZONE NOT NULL,
    effective_to               TIMESTAMP WITH TIME ZONE,
    protocol                   VARCHAR(50)              NOT NULL,
    endpoint                   VARCHAR(500)             NOT NULL,
    auth_method                VARCHAR(50)              NOT NULL,
    secret_ref                 VARCHAR(500),
    capabilities               TEXT                     NOT NULL,
    max_symbols_per_connection INTEGER                  NOT NULL,
    rate_limit_per_second      INTEGER,
    parser_config              TEXT                     NOT NULL,
    content_hash               VARCHAR(64)              NOT NULL,
    source_file                VARCHAR(1000),
    PRIMARY KEY (feed_name, version)
);

CREATE INDEX feed_versions_effective ON feed_versions (feed_name, effective_from);

-- When a venue trades. schedule is TEXT JSON; source says where the calendar comes from.
CREATE TABLE feed_calendars (
    feed_name      VARCHAR(100)             NOT NULL REFERENCES feeds (name),
    effective_from TIMESTAMP WITH TIME ZONE NOT NULL,
    effective_to   TIMESTAMP WITH TIME ZONE,
    timezone       VARCHAR(50)              NOT NULL,
    schedule       TEXT                     NOT NULL,
    source         VARCHAR(1000)            NOT NULL,
    PRIMARY KEY (feed_name, effective_from)
);

-- Every version of every record format ssmd writes, with the JSON Schema generated from the code's records.
-- status: active | deprecated. compatible_with: the earlier version readers of which can read this one.
-- breaking_changes: TEXT JSON list of what a reader of the previous version would trip on.
CREATE TABLE schema_versions (
    name             VARCHAR(100)             NOT NULL,
    version          INTEGER                  NOT NULL,
    format           VARCHAR(50)              NOT NULL,
    definition       TEXT                     NOT NULL,
    schema_hash      VARCHAR(64)              NOT NULL,
    status           VARCHAR(20)              NOT NULL,
    effective_from   TIMESTAMP WITH TIME ZONE NOT NULL,
    deprecated_at    TIMESTAMP WITH TIME ZONE,
    compatible_with  INTEGER,
    breaking_changes TEXT                     NOT NULL,
    PRIMARY KEY (name, version)
);

-- How data moves from one schema version to the next (a rewrite, or nothing when compatible).
CREATE TABLE schema_migrations (
    name         VARCHAR(100)             NOT NULL,
    from_version INTEGER                  NOT NULL,
    to_version   INTEGER                  NOT NULL,
    compatible   BOOLEAN                  NOT NULL,
    description  TEXT                     NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (name, from_version, to_version),
    FOREIGN KEY (name, from_version) REFERENCES schema_versions (name, version),
    FOREIGN KEY (name, to_version) REFERENCES schema_versions (name, version)
);
