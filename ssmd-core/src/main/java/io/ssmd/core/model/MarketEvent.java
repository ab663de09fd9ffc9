package io.ssmd.core.model;

/**
 * One normalized event about one instrument.
 *
 * <p>{@code ts} is the venue's time for the event in epoch microseconds when the venue gives one, else the time
 * ssmd received the frame ({@code Ssmd-Received-At}); normalizers that find no venue time return 0 and the caller
 * fills in the receive time.
 */
public sealed interface MarketEvent permits Trade, Ticker, BookSnapshot, BookDelta, Lifecycle {

    /** The feed name ({@code kraken}, {@code kalshi}). */
    String feed();

    /** The true instrument id ({@code BTC/USD}, a Kalshi ticker, a Polymarket asset id). */
    String instrument();

    /** Epoch microseconds; see the type's comment. */
    long ts();

    /** The event's type as clients see it: {@code trade}, {@code ticker}, {@code orderbook}, {@code lifecycle}. */
    String type();

    /** The same event with {@code ts} set, for events whose venue gave no time. */
    MarketEvent withTs(long ts);
}
