package io.ssmd.feeds.kalshi.replay;

import static io.ssmd.feeds.kalshi.KalshiProtocol.MARKET_LIFECYCLE;
import static io.ssmd.feeds.kalshi.KalshiProtocol.ORDERBOOK_DELTA;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.feeds.kalshi.KalshiProtocol;
import io.ssmd.feeds.kalshi.KalshiProtocol.Error;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.RecordedFrame;
import io.ssmd.feeds.replay.SessionContext;
import io.ssmd.feeds.replay.SessionOutput;
import io.ssmd.feeds.replay.SessionSilence;
import io.ssmd.feeds.replay.VenueSession;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One Kalshi WebSocket client, server side: the four commands and their acks, per-sid seq, synthetic or recorded
 * data, and the venue-specific faults. Kalshi sends nothing on connect; its keepalive is WebSocket pings, which the
 * framework sends, so the only app-level "ping" a client has is {@code list_subscriptions}.
 */
final class KalshiReplaySession implements VenueSession {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Faults faults;
    private final KalshiMarketCatalog catalog;
    private final KalshiLifecycleEvents lifecycle;
    /** How many of the server's lifecycle events this session has passed on (it starts with those to come). */
    private int lifecycleSent;

    private Set<String> subscribedMarkets = Set.of();
    /** Recorded mode without a configured universe accepts any ticker: the recording decides what exists. */
    private final boolean checkUniverse;
    /** Null in recorded mode. */
    private final KalshiSyntheticFeed synthetic;

    private final KalshiRecordedRelay relay;
    private final Map<Integer, KalshiSubscription> subscriptions = new TreeMap<>();
    /** The silence fault holds back a market's every channel: its synthetic market does not step at all. */
    private static final String SILENCE_CHANNEL = "market";

    private final SessionSilence silence;
    /** Told each ticker a subscribe or add_markets accepts (the server keeps when each was first subscribed). */
    private final Consumer<String> subscribed;

    private final Optional<Duration> idleTimeout;
    private int nextSid = 1;
    private long seqFrames;
    private boolean heardFromClient = true;
    private long lastHeardMillis = -1;

    KalshiReplaySession(
            SessionContext context,
            KalshiMarketCatalog catalog,
            KalshiLifecycleEvents lifecycle,
            Consumer<String> subscribed) {
        this.subscribed = subscribed;
        this.faults = context.faults();
        this.silence = new SessionSilence(faults);
        this.catalog = catalog;
        this.lifecycle = lifecycle;
        this.lifecycleSent = lifecycle.size();
        this.checkUniverse = context.settings().synthetic()
                || !context.settings().instruments().isEmpty();
        this.synthetic = context.settings().synthetic()
                ? new KalshiSyntheticFeed(
                        catalog,
                        context.seed(),
                        subscriptions.values(),
                        this::nextDataSeq,
                        ticker -> silence.silent(SILENCE_CHANNEL, ticker))
                : null;
        this.relay = new KalshiRecordedRelay(subscriptions.values(), this::nextDataSeq);
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
                    out.send(KalshiFrames.subscriptionList(id, List.copyOf(subscriptions.values())));
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
        boolean initialTickers = params.path("send_initial_snapshot").asBoolean(false);
        List<Runnable> data = new ArrayList<>();
        for (String channel : channels) {
            KalshiSubscription existing = find(channel);
            if (existing == null) {
                // market_lifecycle_v2 ignores ticker filters: it covers every market.
                boolean all = accepted.isEmpty() || channel.equals(MARKET_LIFECYCLE);
                KalshiSubscription sub = new KalshiSubscription(nextSid++, channel, all, all ? List.of() : accepted);
                subscriptions.put(sub.sid(), sub);
                out.send(KalshiProtocol.subscribed(id, channel, sub.sid()));
                data.add(() -> initialData(sub, accepted, initialTickers, out));
            } else {
                addMarkets(id, existing, accepted, skipTickerAck, out, data);
            }
        }
        // As on the real service: every ack first, then the snapshots.
        data.forEach(Runnable::run);
        subscriptionsChanged();
    }

    /** A repeat subscribe to a channel answers {@code ok} on the existing sid and adds the new markets. */
    private void addMarkets(
            Long id,
            KalshiSubscription sub,
            List<String> tickers,
            boolean skipTickerAck,
            SessionOutput out,
            List<Runnable> data) {
        List<String> added =
                tickers.stream().filter(t -> !sub.tickers().contains(t)).toList();
        if (sub.allMarkets() || added.isEmpty()) {
            out.send(KalshiProtocol.error(id, Error.ALREADY_SUBSCRIBED));
            return;
        }
        sub.tickers().addAll(added);
        out.send(KalshiProtocol.ok(id, sub.sid(), sub.nextSeq(false), skipTickerAck ? null : sub.tickers()));
        data.add(() -> initialData(sub, added, false, out));
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
        subscriptionsChanged();
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
        subscriptionsChanged();
    }

    /** {@code get_snapshot}: fresh snapshots of some of the sid's markets; the subscription stays as it is. */
    private void getSnapshot(Long id, KalshiSubscription sub, List<String> tickers, SessionOutput out) {
        if (!sub.channel().equals(ORDERBOOK_DELTA) || synthetic == null) {
            // Recorded mode has no book of its own to show; the recording's snapshots are all there is.
            out.send(KalshiProtocol.error(id, synthetic == null ? Error.CHANNEL_ERROR : Error.UNSUPPORTED_ACTION));
            return;
        }
        for (String ticker : tickers) {
            if (sub.covers(ticker)) {
                synthetic.snapshot(sub, ticker, out);
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
                silence.subscribed(SILENCE_CHANNEL, ticker);
                subscribed.accept(ticker);
            }
        }
        return accepted;
    }

    @Override
    public void onPump(SessionOutput out) {
        sendLifecycle(out);
        if (synthetic != null) {
            synthetic.pump(out);
        }
    }

    /** The lifecycle events taken since the last call, to the session's {@code market_lifecycle_v2} sid if any. */
    private void sendLifecycle(SessionOutput out) {
        List<KalshiLifecycleEvents.Event> events = lifecycle.since(lifecycleSent);
        if (events.isEmpty()) {
            return;
        }
        lifecycleSent += events.size();
        KalshiSubscription sub = find(MARKET_LIFECYCLE);
        if (sub == null) {
            return;
        }
        for (KalshiLifecycleEvents.Event event : events) {
            catalog.market(event.ticker())
                    .ifPresent(market ->
                            out.sendData(KalshiLifecycleEvents.frame(sub.sid(), nextDataSeq(sub), event, market)));
        }
    }

    /**
     * Every market some subscription of this session names, so a fault can be aimed at this one connection. Asked
     * for on every frame: kept up to date when the subscriptions change rather than built per call.
     */
    @Override
    public Set<String> instruments() {
        return subscribedMarkets;
    }

    @Override
    public void onRecorded(RecordedFrame frame, SessionOutput out) {
        relay.relay(frame.text()).ifPresent(out::sendData);
    }

    @Override
    public void onTick(long nowMillis, SessionOutput out) {
        sendLifecycle(out);
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

    private void initialData(KalshiSubscription sub, List<String> tickers, boolean initialTickers, SessionOutput out) {
        if (synthetic != null) {
            synthetic.initialData(sub, tickers, initialTickers, out);
        }
    }

    private void subscriptionsChanged() {
        Set<String> all = new LinkedHashSet<>();
        subscriptions.values().forEach(sub -> all.addAll(sub.tickers()));
        subscribedMarkets = Set.copyOf(all);
        if (synthetic != null) {
            synthetic.subscriptionsChanged();
        }
    }

    private KalshiSubscription find(String channel) {
        for (KalshiSubscription sub : subscriptions.values()) {
            if (sub.channel().equals(channel)) {
                return sub;
            }
        }
        return null;
    }
}
