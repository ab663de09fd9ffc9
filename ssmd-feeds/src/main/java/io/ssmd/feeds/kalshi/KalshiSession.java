package io.ssmd.feeds.kalshi;

import static io.ssmd.feeds.kalshi.KalshiProtocol.MARKET_LIFECYCLE;
import static io.ssmd.feeds.kalshi.KalshiProtocol.ORDERBOOK_DELTA;
import static io.ssmd.feeds.kalshi.KalshiProtocol.TICKER;
import static io.ssmd.feeds.kalshi.KalshiProtocol.TRADE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.feeds.kalshi.KalshiProtocol.Error;
import io.ssmd.feeds.kalshi.KalshiSyntheticMarket.Delta;
import io.ssmd.feeds.kalshi.KalshiSyntheticMarket.Step;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.RecordedFrame;
import io.ssmd.feeds.replay.SessionContext;
import io.ssmd.feeds.replay.SessionOutput;
import io.ssmd.feeds.replay.VenueSession;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One Kalshi WebSocket client, server side: the four commands and their acks, per-sid seq, synthetic or recorded
 * data, and the venue-specific faults. Kalshi sends nothing on connect; its keepalive is WebSocket pings, which the
 * framework sends, so the only app-level "ping" a client has is {@code list_subscriptions}.
 */
final class KalshiSession implements VenueSession {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A pump that steps only markets nobody sees (deep-book changes on a ticker-only sid) tries again, this often. */
    private static final int STEPS_PER_PUMP = 64;

    private final SessionContext context;
    private final Faults faults;
    private final KalshiMarketCatalog catalog;
    /** Recorded mode without a configured universe accepts any ticker: the recording decides what exists. */
    private final boolean checkUniverse;
    private final KalshiSyntheticMarket market;
    private final KalshiRecordingRelay relay;
    private final Map<Integer, KalshiSubscription> subscriptions = new TreeMap<>();
    private final Optional<Duration> idleTimeout;
    private List<String> pumpMarkets = List.of();
    private int pumpIndex = -1;
    private int nextSid = 1;
    private long seqFrames;
    private boolean heardFromClient = true;
    private long lastHeardMillis = -1;

    KalshiSession(SessionContext context, KalshiMarketCatalog catalog) {
        this.context = context;
        this.faults = context.faults();
        this.catalog = catalog;
        this.checkUniverse = context.settings().synthetic() || !context.settings().instruments().isEmpty();
        this.market = context.settings().synthetic() ? new KalshiSyntheticMarket(catalog, context.seed()) : null;
        this.relay = new KalshiRecordingRelay(subscriptions.values(), this::nextDataSeq);
        // Kalshi closes no client for silence at the application level: it pings, and pongs are invisible here.
        this.idleTimeout = context.settings().clientIdleTimeout();
    }

    @Override
    public void onOpen(SessionOutput out) {
        // Kalshi greets nobody: the first frame a client gets is the answer to its first command.
    }

    @Override
    public void onClientText(String text, SessionOutput out) {
        heardFromClient = true;
        JsonNode command;
        try {
            command = JSON.readTree(text);
        } catch (IOException notJson) {
            out.send(KalshiProtocol.error(null, Error.UNABLE_TO_PROCESS));
            return;
        }
        if (command == null || !command.isObject()) {
            out.send(KalshiProtocol.error(null, Error.UNABLE_TO_PROCESS));
            return;
        }
        Long id = command.path("id").canConvertToLong() ? command.get("id").asLong() : null;
        JsonNode params = command.get("params");
        switch (command.path("cmd").asText("")) {
            case "subscribe" -> subscribe(id, params, out);
            case "unsubscribe" -> unsubscribe(id, params, out);
            case "update_subscription" -> updateSubscription(id, params, out);
            case "list_subscriptions" -> {
                // The ignore-pings fault: a client's only app-level liveness probe goes unanswered.
                if (!faults.ignorePings()) {
                    out.send(KalshiProtocol.subscriptionList(id, List.copyOf(subscriptions.values())));
                }
            }
            default -> out.send(KalshiProtocol.error(id, Error.UNKNOWN_COMMAND));
        }
    }

    private void subscribe(Long id, JsonNode params, SessionOutput out) {
        if (params == null || !params.isObject()) {
            out.send(KalshiProtocol.error(id, Error.PARAMS_REQUIRED));
            return;
        }
        JsonNode channelsNode = params.get("channels");
        if (channelsNode == null || !channelsNode.isArray() || channelsNode.isEmpty()) {
            out.send(KalshiProtocol.error(id, Error.CHANNELS_REQUIRED));
            return;
        }
        Set<String> channels = new LinkedHashSet<>();
        for (JsonNode channel : channelsNode) {
            if (!KalshiProtocol.CHANNELS.contains(channel.asText())) {
                out.send(KalshiProtocol.error(id, Error.UNKNOWN_CHANNEL));
                return;
            }
            channels.add(channel.asText());
        }
        Optional<List<String>> named = tickers(params);
        if (named.isEmpty()) {
            out.send(KalshiProtocol.error(id, Error.INVALID_PARAMETER));
            return;
        }
        List<String> requested = named.get();
        if (channels.contains(ORDERBOOK_DELTA) && requested.isEmpty()) {
            out.send(KalshiProtocol.error(id, Error.MARKET_TICKER_REQUIRED));
            return;
        }
        List<String> accepted = accept(id, requested, out);
        if (!requested.isEmpty() && accepted.isEmpty()) {
            return;
        }
        if (requested.isEmpty() && faults.rejects("*")) {
            out.send(KalshiProtocol.error(id, Error.CHANNEL_ERROR));
            return;
        }
        boolean skipTickerAck = params.path("skip_ticker_ack").asBoolean(false);
        List<Runnable> data = new ArrayList<>();
        for (String channel : channels) {
            KalshiSubscription existing = find(channel);
            if (existing == null) {
                // market_lifecycle_v2 ignores ticker filters: it covers every market.
                boolean all = accepted.isEmpty() || channel.equals(MARKET_LIFECYCLE);
                KalshiSubscription sub = new KalshiSubscription(nextSid++, channel, all, all ? List.of() : accepted);
                subscriptions.put(sub.sid(), sub);
                out.send(KalshiProtocol.subscribed(id, channel, sub.sid()));
                data.add(() -> initialData(sub, accepted, params, out));
            } else {
                addMarkets(id, existing, accepted, skipTickerAck, out, data);
            }
        }
        // As on the real service: every ack first, then the snapshots.
        data.forEach(Runnable::run);
        pumpMarkets = pumpMarkets();
    }

    /** A repeat subscribe to a channel answers {@code ok} on the existing sid and adds the new markets. */
    private void addMarkets(Long id, KalshiSubscription sub, List<String> tickers, boolean skipTickerAck,
            SessionOutput out, List<Runnable> data) {
        List<String> added = tickers.stream().filter(t -> !sub.tickers().contains(t)).toList();
        if (sub.allMarkets() || added.isEmpty()) {
            out.send(KalshiProtocol.error(id, Error.ALREADY_SUBSCRIBED));
            return;
        }
        sub.tickers().addAll(added);
        out.send(KalshiProtocol.ok(id, sub.sid(), sub.nextSeq(false), skipTickerAck ? null : sub.tickers()));
        data.add(() -> initialData(sub, added, null, out));
    }

    private void unsubscribe(Long id, JsonNode params, SessionOutput out) {
        if (params == null || !params.isObject()) {
            out.send(KalshiProtocol.error(id, Error.PARAMS_REQUIRED));
            return;
        }
        JsonNode sids = params.get("sids");
        if (sids == null || !sids.isArray() || sids.isEmpty()) {
            out.send(KalshiProtocol.error(id, Error.SIDS_REQUIRED));
            return;
        }
        for (JsonNode sid : sids) {
            KalshiSubscription sub = subscriptions.remove(sid.asInt());
            if (sub == null) {
                out.send(KalshiProtocol.error(id, Error.UNKNOWN_SID));
            } else {
                out.send(KalshiProtocol.unsubscribed(id, sub.sid(), sub.nextSeq(false)));
            }
        }
        pumpMarkets = pumpMarkets();
    }

    private void updateSubscription(Long id, JsonNode params, SessionOutput out) {
        if (params == null || !params.isObject()) {
            out.send(KalshiProtocol.error(id, Error.PARAMS_REQUIRED));
            return;
        }
        JsonNode sidNode = params.has("sids") ? params.get("sids") : params.get("sid");
        if (sidNode == null) {
            out.send(KalshiProtocol.error(id, Error.SIDS_REQUIRED));
            return;
        }
        if (sidNode.isArray() && sidNode.size() != 1) {
            out.send(KalshiProtocol.error(id, Error.EXACTLY_ONE_SID));
            return;
        }
        KalshiSubscription sub = subscriptions.get((sidNode.isArray() ? sidNode.get(0) : sidNode).asInt());
        if (sub == null) {
            out.send(KalshiProtocol.error(id, Error.UNKNOWN_SID));
            return;
        }
        String action = params.path("action").asText("");
        if (action.isEmpty()) {
            out.send(KalshiProtocol.error(id, Error.ACTION_REQUIRED));
            return;
        }
        Optional<List<String>> named = tickers(params);
        if (named.isEmpty() || named.get().isEmpty()) {
            out.send(KalshiProtocol.error(id, Error.MARKET_TICKER_REQUIRED));
            return;
        }
        boolean skipTickerAck = params.path("skip_ticker_ack").asBoolean(false);
        switch (action) {
            case "add_markets" -> {
                List<String> accepted = accept(id, named.get(), out);
                if (accepted.isEmpty()) {
                    return;
                }
                List<Runnable> data = new ArrayList<>();
                addMarkets(id, sub, accepted, skipTickerAck, out, data);
                data.forEach(Runnable::run);
            }
            case "delete_markets" -> {
                if (sub.allMarkets()) {
                    out.send(KalshiProtocol.error(id, Error.INVALID_PARAMETER));
                    return;
                }
                named.get().forEach(sub::remove);
                out.send(KalshiProtocol.ok(id, sub.sid(), sub.nextSeq(false), skipTickerAck ? null : sub.tickers()));
            }
            case "get_snapshot" -> getSnapshot(id, sub, named.get(), out);
            default -> out.send(KalshiProtocol.error(id, Error.UNSUPPORTED_ACTION));
        }
        pumpMarkets = pumpMarkets();
    }

    /** {@code get_snapshot}: fresh snapshots of some of the sid's markets; the subscription stays as it is. */
    private void getSnapshot(Long id, KalshiSubscription sub, List<String> tickers, SessionOutput out) {
        if (!sub.channel().equals(ORDERBOOK_DELTA) || market == null) {
            // Recorded mode has no book of its own to show; the recording's snapshots are all there is.
            out.send(KalshiProtocol.error(id, market == null ? Error.CHANNEL_ERROR : Error.UNSUPPORTED_ACTION));
            return;
        }
        for (String ticker : tickers) {
            if (sub.covers(ticker)) {
                out.sendData(KalshiMarketFrames.snapshot(sub.sid(), nextDataSeq(sub), market.state(ticker)));
            } else {
                out.send(KalshiProtocol.error(id, Error.MARKET_NOT_FOUND, ticker));
            }
        }
    }

    /**
     * {@code market_ticker} (one) or {@code market_tickers} (a list), mutually exclusive; empty when neither is
     * given (all markets, where the channel allows it), absent when the parameters are wrong.
     */
    private static Optional<List<String>> tickers(JsonNode params) {
        JsonNode one = params.get("market_ticker");
        JsonNode many = params.get("market_tickers");
        if (one != null && many != null) {
            return Optional.empty();
        }
        if (one != null) {
            return one.isTextual() ? Optional.of(List.of(one.asText())) : Optional.empty();
        }
        if (many == null) {
            return Optional.of(List.of());
        }
        if (!many.isArray()) {
            return Optional.empty();
        }
        Set<String> tickers = new LinkedHashSet<>();
        many.forEach(t -> tickers.add(t.asText()));
        return Optional.of(List.copyOf(tickers));
    }

    /**
     * The tickers that may be subscribed; each other one gets Kalshi's "Market not found" (code 16, naming it): an
     * unknown market, or one the reject fault refuses.
     */
    private List<String> accept(Long id, List<String> tickers, SessionOutput out) {
        List<String> accepted = new ArrayList<>();
        for (String ticker : tickers) {
            if ((checkUniverse && !catalog.contains(ticker)) || faults.rejects(ticker)) {
                out.send(KalshiProtocol.error(id, Error.MARKET_NOT_FOUND, ticker));
            } else {
                accepted.add(ticker);
            }
        }
        return accepted;
    }

    /** Synthetic mode: the snapshot of each new book market; the initial tickers when asked for. */
    private void initialData(KalshiSubscription sub, List<String> tickers, JsonNode params, SessionOutput out) {
        if (market == null) {
            return;
        }
        if (sub.channel().equals(ORDERBOOK_DELTA)) {
            for (String ticker : tickers) {
                out.sendData(KalshiMarketFrames.snapshot(sub.sid(), nextDataSeq(sub), market.state(ticker)));
            }
        } else if (sub.channel().equals(TICKER) && params != null
                && params.path("send_initial_snapshot").asBoolean(false)) {
            Instant now = Instant.now();
            List<String> markets = sub.allMarkets() ? catalog.markets().stream()
                    .map(KalshiMarketCatalog.Market::ticker).toList() : tickers;
            markets.forEach(t -> out.sendData(KalshiMarketFrames.ticker(sub.sid(), market.state(t), now)));
        }
    }

    @Override
    public void onPump(SessionOutput out) {
        if (market == null || pumpMarkets.isEmpty()) {
            return;
        }
        Instant now = Instant.now();
        for (int i = 0; i < STEPS_PER_PUMP; i++) {
            pumpIndex = (pumpIndex + 1) % pumpMarkets.size();
            String ticker = pumpMarkets.get(pumpIndex);
            if (emit(market.step(ticker), now, out) > 0) {
                return;
            }
        }
    }

    /** Sends a step to every sid that sees it, in sid order; returns how many frames went out. */
    private int emit(Step step, Instant now, SessionOutput out) {
        String ticker = step.market().info.ticker();
        int frames = 0;
        for (KalshiSubscription sub : subscriptions.values()) {
            if (!sub.covers(ticker)) {
                continue;
            }
            switch (sub.channel()) {
                case ORDERBOOK_DELTA -> {
                    for (Delta delta : step.deltas()) {
                        out.sendData(KalshiMarketFrames.delta(sub.sid(), nextDataSeq(sub), step.market(), delta, now));
                        frames++;
                    }
                }
                case TICKER -> {
                    if (step.tickerChanged()) {
                        out.sendData(KalshiMarketFrames.ticker(sub.sid(), step.market(), now));
                        frames++;
                    }
                }
                case TRADE -> {
                    if (step.trade() != null) {
                        out.sendData(KalshiMarketFrames.trade(sub.sid(), step.market(), step.trade(), now));
                        frames++;
                    }
                }
                case MARKET_LIFECYCLE -> {
                    if (step.closeTsUpdated() >= 0) {
                        out.sendData(KalshiMarketFrames.closeDateUpdated(sub.sid(), nextDataSeq(sub), ticker,
                                step.closeTsUpdated()));
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

    @Override
    public void onRecorded(RecordedFrame frame, SessionOutput out) {
        relay.relay(frame.text()).ifPresent(out::sendData);
    }

    @Override
    public void onTick(long nowMillis, SessionOutput out) {
        if (heardFromClient || lastHeardMillis < 0) {
            heardFromClient = false;
            lastHeardMillis = nowMillis;
            return;
        }
        idleTimeout.ifPresent(timeout -> {
            if (nowMillis - lastHeardMillis >= timeout.toMillis()) {
                out.close("no message from the client for " + timeout);
            }
        });
    }

    /** The seq of a data frame on {@code sub}; the skip-seq fault leaves a number out. */
    private long nextDataSeq(KalshiSubscription sub) {
        seqFrames++;
        return sub.nextSeq(faults.skipSeq().take(seqFrames));
    }

    private KalshiSubscription find(String channel) {
        for (KalshiSubscription sub : subscriptions.values()) {
            if (sub.channel().equals(channel)) {
                return sub;
            }
        }
        return null;
    }

    /** The markets the pump steps in turn: those some public channel shows (all of them for all-market sids). */
    private List<String> pumpMarkets() {
        Set<String> markets = new LinkedHashSet<>();
        for (KalshiSubscription sub : subscriptions.values()) {
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
        return List.copyOf(markets);
    }
}
