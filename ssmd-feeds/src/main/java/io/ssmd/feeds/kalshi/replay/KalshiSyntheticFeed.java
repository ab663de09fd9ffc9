package io.ssmd.feeds.kalshi.replay;

import static io.ssmd.feeds.kalshi.KalshiProtocol.MARKET_LIFECYCLE;
import static io.ssmd.feeds.kalshi.KalshiProtocol.ORDERBOOK_DELTA;
import static io.ssmd.feeds.kalshi.KalshiProtocol.TICKER;
import static io.ssmd.feeds.kalshi.KalshiProtocol.TRADE;

import io.ssmd.feeds.kalshi.KalshiProtocol;
import io.ssmd.feeds.kalshi.replay.KalshiSyntheticMarket.Delta;
import io.ssmd.feeds.kalshi.replay.KalshiSyntheticMarket.Step;
import io.ssmd.feeds.replay.SessionOutput;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Synthetic mode of a session: the session's {@link KalshiSyntheticMarket} turned into frames for its
 * subscriptions. Each pump steps the next subscribed market (round-robin) and sends what every sid sees of that
 * step, in sid order: book deltas, the trade, the ticker when one of its fields changed, a lifecycle event.
 */
final class KalshiSyntheticFeed {

    /** A step can be invisible (a deep-book change on a ticker-only sid); a pump tries this many before giving up. */
    private static final int STEPS_PER_PUMP = 64;

    private final KalshiMarketCatalog catalog;
    private final KalshiSyntheticMarket market;
    private final Collection<KalshiSubscription> subscriptions;
    private final ToLongFunction<KalshiSubscription> nextSeq;
    private List<String> pumpMarkets = List.of();
    private int pumpIndex = -1;

    /**
     * @param subscriptions the session's subscriptions in sid order (a live view)
     * @param nextSeq       the next data seq of a subscription (where the skip-seq fault applies)
     */
    /** Whether a market is silenced in this session (the silence fault). */
    private final java.util.function.Predicate<String> silent;

    KalshiSyntheticFeed(
            KalshiMarketCatalog catalog,
            long seed,
            Collection<KalshiSubscription> subscriptions,
            ToLongFunction<KalshiSubscription> nextSeq,
            java.util.function.Predicate<String> silent) {
        this.catalog = catalog;
        this.silent = silent;
        this.market = new KalshiSyntheticMarket(catalog, seed);
        this.subscriptions = subscriptions;
        this.nextSeq = nextSeq;
    }

    /** The subscriptions changed: the markets the pump steps are those some public channel shows. */
    void subscriptionsChanged() {
        Set<String> markets = new LinkedHashSet<>();
        for (KalshiSubscription sub : subscriptions) {
            if (!KalshiProtocol.MARKET_DATA_CHANNELS.contains(sub.channel())) {
                continue;
            }
            if (sub.allMarkets()) {
                catalog.markets().forEach(m -> markets.add(m.ticker()));
            } else {
                markets.addAll(sub.tickers());
            }
        }
        markets.removeIf(t -> !catalog.contains(t));
        pumpMarkets = List.copyOf(markets);
    }

    /** What a new sid (or new markets on one) starts with: book snapshots; initial tickers when asked for. */
    void initialData(KalshiSubscription sub, List<String> tickers, boolean initialTickers, SessionOutput out) {
        if (sub.channel().equals(ORDERBOOK_DELTA)) {
            tickers.forEach(ticker -> snapshot(sub, ticker, out));
        } else if (sub.channel().equals(TICKER) && initialTickers) {
            Instant now = Instant.now();
            List<String> markets = sub.allMarkets()
                    ? catalog.markets().stream()
                            .map(KalshiMarketCatalog.Market::ticker)
                            .toList()
                    : tickers;
            markets.forEach(t -> out.sendData(KalshiFrames.ticker(sub.sid(), market.state(t), now)));
        }
    }

    void snapshot(KalshiSubscription sub, String ticker, SessionOutput out) {
        out.sendData(KalshiFrames.snapshot(sub.sid(), nextSeq.applyAsLong(sub), market.state(ticker)));
    }

    void pump(SessionOutput out) {
        if (pumpMarkets.isEmpty()) {
            return;
        }
        Instant now = Instant.now();
        for (int i = 0; i < STEPS_PER_PUMP; i++) {
            pumpIndex = (pumpIndex + 1) % pumpMarkets.size();
            if (silent.test(pumpMarkets.get(pumpIndex))) {
                // Silenced (a fault): the market does not move, so nothing of it is owed and no seq is skipped.
                continue;
            }
            if (emit(market.step(pumpMarkets.get(pumpIndex)), now, out) > 0) {
                return;
            }
        }
    }

    /** Sends a step to every sid that sees it, in sid order; returns how many frames went out. */
    private int emit(Step step, Instant now, SessionOutput out) {
        String ticker = step.market().info.ticker();
        int frames = 0;
        for (KalshiSubscription sub : subscriptions) {
            if (!sub.covers(ticker)) {
                continue;
            }
            switch (sub.channel()) {
                case ORDERBOOK_DELTA -> {
                    for (Delta delta : step.deltas()) {
                        out.sendData(
                                KalshiFrames.delta(sub.sid(), nextSeq.applyAsLong(sub), step.market(), delta, now));
                        frames++;
                    }
                }
                case TICKER -> {
                    if (step.tickerChanged()) {
                        out.sendData(KalshiFrames.ticker(sub.sid(), step.market(), now));
                        frames++;
                    }
                }
                case TRADE -> {
                    if (step.trade() != null) {
                        out.sendData(KalshiFrames.trade(sub.sid(), step.market(), step.trade(), now));
                        frames++;
                    }
                }
                case MARKET_LIFECYCLE -> {
                    if (step.closeTsUpdated() >= 0) {
                        out.sendData(KalshiFrames.closeDateUpdated(
                                sub.sid(), nextSeq.applyAsLong(sub), ticker, step.closeTsUpdated()));
                        frames++;
                    }
                }
                default -> {
                    // Private channels (fill, positions...): a replay server has no orders of the client's.
                }
            }
        }
        return frames;
    }
}
