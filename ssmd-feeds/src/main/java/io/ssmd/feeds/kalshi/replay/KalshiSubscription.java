package io.ssmd.feeds.kalshi.replay;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One subscription (sid) of a session: a channel and its markets, and the sid's seq counter. Kalshi numbers seq
 * per sid, shared by all markets in it, from 1; the {@code ok} and {@code unsubscribed} acks take a number too, so
 * a client sees no gap after them.
 */
final class KalshiSubscription {

    private final int sid;
    private final String channel;
    private final boolean allMarkets;
    private final Set<String> tickers = new LinkedHashSet<>();
    /** Markets whose book snapshot this sid has sent (recorded mode sends no delta before its snapshot). */
    private final Set<String> snapshotSent = new LinkedHashSet<>();

    private long seq;

    /**
     * @param allMarkets the channel is not filtered by market: {@code ticker}/{@code trade} subscribed without
     *                   tickers, and {@code market_lifecycle_v2}, which ignores ticker filters
     */
    KalshiSubscription(int sid, String channel, boolean allMarkets, Collection<String> tickers) {
        this.sid = sid;
        this.channel = channel;
        this.allMarkets = allMarkets;
        this.tickers.addAll(tickers);
    }

    int sid() {
        return sid;
    }

    String channel() {
        return channel;
    }

    boolean allMarkets() {
        return allMarkets;
    }

    /** The markets named in the subscription, in the order they were added. */
    Set<String> tickers() {
        return tickers;
    }

    boolean covers(String ticker) {
        return allMarkets || tickers.contains(ticker);
    }

    /** The next seq of this sid; with {@code skip} one number is left out, as a lost message would. */
    long nextSeq(boolean skip) {
        seq += skip ? 2 : 1;
        return seq;
    }

    boolean snapshotSent(String ticker) {
        return snapshotSent.contains(ticker);
    }

    void markSnapshotSent(String ticker) {
        snapshotSent.add(ticker);
    }

    void remove(String ticker) {
        tickers.remove(ticker);
        snapshotSent.remove(ticker);
    }
}
