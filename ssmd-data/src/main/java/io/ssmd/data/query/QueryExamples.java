package io.ssmd.data.query;

/**
 * The example queries of docs/data-out.md (## Query), kept here so that the tests run exactly what the docs show. They
 * read Kalshi frames: prices are taken from the dollar strings and cast explicitly ({@code TRY_CAST}: Kalshi has sent
 * empty strings), never from DuckDB's guess at a type.
 */
public final class QueryExamples {

    /** Trades and contracts per minute: one trade message is one trade on Kalshi. */
    public static final String TRADES_PER_MINUTE = """
            SELECT time_bucket(INTERVAL 1 MINUTE, time) AS minute,
                   count(*) AS trades,
                   sum(TRY_CAST(coalesce(data->'msg'->>'count_fp', data->'msg'->>'count') AS DECIMAL(18,2))) AS contracts
            FROM raw
            WHERE feed = 'kalshi' AND type = 'trade'
            GROUP BY minute
            ORDER BY minute""";

    /** The yes bid/ask spread of each market over the day, from its ticker frames, in dollars. */
    public static final String SPREAD_OVER_A_DAY = """
            SELECT instrument,
                   count(*) AS tickers,
                   min(ask - bid) AS min_spread,
                   avg(ask - bid)::DECIMAL(10,4) AS avg_spread,
                   max(ask - bid) AS max_spread
            FROM (SELECT instrument,
                         TRY_CAST(data->'msg'->>'yes_bid_dollars' AS DECIMAL(10,4)) AS bid,
                         TRY_CAST(data->'msg'->>'yes_ask_dollars' AS DECIMAL(10,4)) AS ask
                  FROM raw
                  WHERE feed = 'kalshi' AND type = 'ticker' AND time::DATE = DATE '2026-01-01')
            WHERE bid IS NOT NULL AND ask IS NOT NULL
            GROUP BY instrument
            ORDER BY instrument""";

    /** Each gap with the trades of the minute before it and of the minute after it: what the hole probably cost. */
    public static final String GAPS_WITH_VOLUME = """
            SELECT g.type, g.shard, g.start_time, g.end_time, g.reason,
                   count(r.seq) FILTER (WHERE r.time < g.start_time) AS trades_minute_before,
                   count(r.seq) FILTER (WHERE r.time > g.end_time) AS trades_minute_after
            FROM gaps g
            LEFT JOIN raw r
              ON r.feed = g.feed AND r.type = 'trade'
             AND r.time >= g.start_time - INTERVAL 1 MINUTE
             AND r.time <= g.end_time + INTERVAL 1 MINUTE
            GROUP BY ALL
            ORDER BY g.start_time""";

    private QueryExamples() {}
}
