package io.ssmd.feeds.kraken.replay;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code params} of a subscribe or unsubscribe request, read and checked.
 *
 * <p>Kraken's only refusal texts in the real samples are {@code Subscription depth not supported} (a whole-request
 * error with no {@code symbol}) and the per-symbol {@code Currency pair not supported X}; the other texts here are
 * this server's, in the same format.
 *
 * @param depth        book: the requested depth (10 when not given); other channels: 0
 * @param eventTrigger ticker: {@code trades} (the default) or {@code bbo}; other channels: null
 * @param error        why the request is refused as a whole, or null
 */
public record KrakenRequest(
        String channel, List<String> symbols, int depth, String eventTrigger, boolean snapshot, String error) {

    static final Set<String> CHANNELS = Set.of("book", "trade", "ticker");
    /** Kraken offers these book depths and refuses any other. */
    static final Set<Integer> DEPTHS = Set.of(10, 25, 100, 500, 1000);

    static final int DEFAULT_DEPTH = 10;

    private static KrakenRequest refused(String error) {
        return new KrakenRequest(null, List.of(), 0, null, false, error);
    }

    public static KrakenRequest read(String method, JsonNode params) {
        if (!params.isObject()) {
            return refused("Missing params");
        }
        String channel = params.path("channel").asText("");
        if (!CHANNELS.contains(channel)) {
            return refused(params.has("channel") ? "Channel not supported: " + channel : "Missing channel");
        }
        JsonNode symbolNode = params.path("symbol");
        if (!symbolNode.isArray() || symbolNode.isEmpty()) {
            return refused("Missing symbol");
        }
        List<String> symbols = new ArrayList<>();
        for (JsonNode symbol : symbolNode) {
            if (!symbol.isTextual()) {
                return refused("Invalid symbol: " + symbol);
            }
            symbols.add(symbol.asText());
        }
        int depth = 0;
        if (channel.equals("book")) {
            JsonNode depthNode = params.path("depth");
            depth = depthNode.isMissingNode() ? DEFAULT_DEPTH : depthNode.isInt() ? depthNode.asInt() : -1;
            if (method.equals("subscribe") && !DEPTHS.contains(depth)) {
                return refused("Subscription depth not supported");
            }
        }
        String eventTrigger = null;
        if (channel.equals("ticker")) {
            eventTrigger = params.path("event_trigger").asText("trades");
            if (!eventTrigger.equals("trades") && !eventTrigger.equals("bbo")) {
                return refused("Event trigger not supported: " + eventTrigger);
            }
        }
        JsonNode snapshot = params.path("snapshot");
        return new KrakenRequest(
                channel,
                List.copyOf(symbols),
                depth,
                eventTrigger,
                !snapshot.isBoolean() || snapshot.asBoolean(),
                null);
    }

    /** The depth as the ack shows it: book only. */
    Integer depthOrNull() {
        return channel.equals("book") ? depth : null;
    }
}
