package io.ssmd.feeds.kraken.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.RecordedFrame;
import io.ssmd.feeds.replay.SessionContext;
import io.ssmd.feeds.replay.SessionOutput;
import io.ssmd.feeds.replay.SessionSilence;
import io.ssmd.feeds.replay.VenueSession;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * One client of the Kraken spot v2 replay server (exchanges/PROTOCOLS.md §2): {@code status} on connect, one ack or
 * error per symbol of a subscribe, app-level ping/pong, a {@code heartbeat} each second without other channel
 * traffic once something was subscribed, and the market data of the subscriptions, synthetic or recorded.
 *
 * <p>Kraken spot has no sequence numbers (the book checksum is its gap detector), so the skip-seq fault does nothing
 * here; bad-checksum is this venue's gap.
 */
final class KrakenReplaySession implements VenueSession {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Kraken sends a heartbeat once a second when nothing else was sent on a channel. */
    private static final long HEARTBEAT_MILLIS = 1_000;
    /** A frame carries several symbols about one time in this many, so clients meet multi-symbol data arrays. */
    private static final int MULTI_SYMBOL_ONE_IN = 10;

    private final Faults faults;
    private final boolean synthetic;
    private final Predicate<String> listed;
    private final long idleMillis;
    private final SplittableRandom random;
    private final KrakenSyntheticMarket market;
    private final KrakenSubscriptions subscriptions = new KrakenSubscriptions();
    private final KrakenRecordedFilter recorded = new KrakenRecordedFilter();
    private final SessionSilence silence;
    private long lastClientMillis = System.currentTimeMillis();
    private long lastChannelMillis;
    private boolean subscribedOnce;
    private long bookUpdates;

    /**
     * @param listed      whether a symbol may be subscribed (the synthetic universe, or any pair of a recording)
     * @param idleTimeout a client that sends nothing for this long is closed
     */
    KrakenReplaySession(SessionContext context, Predicate<String> listed, Duration idleTimeout) {
        this.faults = context.faults();
        this.silence = new SessionSilence(faults);
        this.synthetic = context.settings().synthetic();
        this.listed = listed;
        this.idleMillis = idleTimeout.toMillis();
        this.random = new SplittableRandom(context.seed());
        this.market = new KrakenSyntheticMarket(context.seed());
    }

    @Override
    public void onOpen(SessionOutput out) {
        // The top bit set: connection ids above 2^53 are what breaks clients that parse numbers as doubles.
        out.send(KrakenFrames.status(random.nextLong() | Long.MIN_VALUE));
        lastChannelMillis = System.currentTimeMillis();
    }

    @Override
    public void onClientText(String text, SessionOutput out) {
        lastClientMillis = System.currentTimeMillis();
        String timeIn = KrakenFrames.timestamp(KrakenFrames.nowMicros());
        JsonNode request;
        try {
            request = JSON.readTree(text);
        } catch (IOException e) {
            request = null;
        }
        if (request == null || !request.isObject() || !request.path("method").isTextual()) {
            out.send(KrakenFrames.error("Malformed request", null, null, null, timeIn, now()));
            return;
        }
        String method = request.get("method").asText();
        String reqId = request.hasNonNull("req_id") ? request.get("req_id").toString() : null;
        switch (method) {
            case "ping" -> {
                if (!faults.ignorePings()) {
                    out.send(KrakenFrames.pong(reqId, timeIn, now()));
                }
            }
            case "subscribe" -> subscribe(request.path("params"), reqId, timeIn, out);
            case "unsubscribe" -> unsubscribe(request.path("params"), reqId, timeIn, out);
            default ->
                out.send(KrakenFrames.error("Method not supported: " + method, method, reqId, null, timeIn, now()));
        }
    }

    private void subscribe(JsonNode params, String reqId, String timeIn, SessionOutput out) {
        KrakenRequest request = KrakenRequest.read("subscribe", params);
        if (request.error() != null) {
            out.send(KrakenFrames.error(request.error(), "subscribe", reqId, null, timeIn, now()));
            return;
        }
        List<String> snapshots = new ArrayList<>();
        for (String symbol : request.symbols()) {
            String refusal = !listed.test(symbol) || faults.rejects(symbol)
                    ? "Currency pair not supported " + symbol
                    : subscriptions.contains(request.channel(), symbol) ? "Already subscribed" : null;
            if (refusal != null) {
                out.send(KrakenFrames.error(refusal, "subscribe", reqId, symbol, timeIn, now()));
                continue;
            }
            subscriptions.add(new KrakenSubscriptions.Subscription(
                    request.channel(), symbol, request.depth(), request.eventTrigger()));
            subscribedOnce = true;
            silence.subscribed(request.channel(), symbol);
            out.send(KrakenFrames.ack(
                    "subscribe",
                    reqId,
                    request.channel(),
                    request.depthOrNull(),
                    request.eventTrigger(),
                    request.snapshot(),
                    symbol,
                    timeIn,
                    now()));
            if (synthetic && request.snapshot()) {
                snapshots.add(snapshot(request.channel(), symbol, request.depth()));
            }
            recorded.subscribed(request.channel(), symbol);
        }
        // Kraken acks first and sends the snapshots after.
        snapshots.forEach(out::sendData);
        if (!snapshots.isEmpty()) {
            lastChannelMillis = System.currentTimeMillis();
        }
    }

    private String snapshot(String channel, String symbol, int depth) {
        long nowMicros = KrakenFrames.nowMicros();
        return switch (channel) {
            case "book" -> market.bookSnapshot(symbol, depth, nowMicros);
            case "trade" -> market.tradeSnapshot(symbol, nowMicros);
            default -> market.ticker(List.of(symbol), true, nowMicros);
        };
    }

    private void unsubscribe(JsonNode params, String reqId, String timeIn, SessionOutput out) {
        KrakenRequest request = KrakenRequest.read("unsubscribe", params);
        if (request.error() != null) {
            out.send(KrakenFrames.error(request.error(), "unsubscribe", reqId, null, timeIn, now()));
            return;
        }
        for (String symbol : request.symbols()) {
            KrakenSubscriptions.Subscription subscription = subscriptions.get(request.channel(), symbol);
            if (subscription == null) {
                out.send(KrakenFrames.error("Subscription Not Found", "unsubscribe", reqId, symbol, timeIn, now()));
                continue;
            }
            subscriptions.remove(subscription);
            out.send(KrakenFrames.ack(
                    "unsubscribe",
                    reqId,
                    subscription.channel(),
                    subscription.channel().equals("book") ? subscription.depth() : null,
                    subscription.eventTrigger(),
                    null,
                    symbol,
                    timeIn,
                    now()));
        }
    }

    @Override
    public void onPump(SessionOutput out) {
        if (subscriptions.isEmpty()) {
            return;
        }
        KrakenSubscriptions.Subscription next = subscriptions.next();
        if (silence.silent(next.channel(), next.symbol())) {
            return;
        }
        int more = random.nextInt(MULTI_SYMBOL_ONE_IN) == 0 ? 1 + random.nextInt(2) : 0;
        List<String> symbols = subscriptions.withFollowers(next, more);
        if (silence.active()) {
            symbols = symbols.stream()
                    .filter(s -> !silence.silent(next.channel(), s))
                    .toList();
        }
        long nowMicros = KrakenFrames.nowMicros();
        Predicate<String> bookServed = s -> subscriptions.contains("book", s) && !silence.silent("book", s);
        switch (next.channel()) {
            case "book" -> out.sendData(market.bookUpdate(symbols, nowMicros, wrongChecksum()));
            case "trade" -> {
                boolean anyBook = symbols.stream().anyMatch(bookServed);
                KrakenSyntheticMarket.Traded traded =
                        market.trades(symbols, bookServed, nowMicros, anyBook && wrongChecksum());
                out.sendData(traded.tradeFrame());
                if (traded.bookFrame() != null) {
                    out.sendData(traded.bookFrame());
                }
            }
            default -> out.sendData(market.ticker(symbols, false, nowMicros));
        }
        lastChannelMillis = System.currentTimeMillis();
    }

    /** Whether the next book update carries a wrong checksum (a fault); counts the session's book updates. */
    private boolean wrongChecksum() {
        return faults.badChecksum().take(++bookUpdates);
    }

    @Override
    public void onRecorded(RecordedFrame frame, SessionOutput out) {
        KrakenRecordedFilter.Verdict verdict = recorded.verdict(
                frame.text(),
                (channel, symbol) -> subscriptions.contains(channel, symbol) && !silence.silent(channel, symbol));
        if (verdict == KrakenRecordedFilter.Verdict.SKIP) {
            return;
        }
        boolean wrong = verdict == KrakenRecordedFilter.Verdict.SEND_BOOK_UPDATE && wrongChecksum();
        out.sendData(wrong ? KrakenRecordedFilter.withWrongChecksum(frame.text()) : frame.text());
        lastChannelMillis = System.currentTimeMillis();
    }

    @Override
    public void onTick(long nowMillis, SessionOutput out) {
        if (nowMillis - lastClientMillis >= idleMillis) {
            out.close("no client traffic for " + idleMillis + " ms");
            return;
        }
        if (subscribedOnce && nowMillis - lastChannelMillis >= HEARTBEAT_MILLIS) {
            out.send(KrakenFrames.HEARTBEAT);
            lastChannelMillis = nowMillis;
        }
    }

    private static String now() {
        return KrakenFrames.timestamp(KrakenFrames.nowMicros());
    }

    @Override
    public java.util.Set<String> instruments() {
        return subscriptions.symbols();
    }
}
