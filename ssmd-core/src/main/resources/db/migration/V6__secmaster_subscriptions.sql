-- Whether each market a feed manager wants is subscribed (DESIGN §15, issue 15 "dropped markets, never silent"):
-- subscribed (a shard runs it and the venue took it), pending (refused; the manager retries it with backoff) or
-- dropped (still refused after its retries; retried on, counted in ssmd_secmaster_markets_dropped_total). Written by
-- the feed manager on the blocking dispatcher, deleted when the market ends. Portable between H2 and PostgreSQL.
CREATE TABLE market_subscriptions (
    feed       VARCHAR(100)             NOT NULL,
    instrument VARCHAR(200)             NOT NULL,
    state      VARCHAR(20)              NOT NULL,
    shard      VARCHAR(200),
    attempts   INTEGER                  NOT NULL,
    last_error TEXT,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT market_subscriptions_pk PRIMARY KEY (feed, instrument)
);
