package io.ssmd.http.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmd.core.nats.ControlEvent;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/** The gateway's own messages to clients (everything but market events), as JSON text. */
final class GatewayJson {

    static final ObjectMapper JSON = new ObjectMapper();
    /** Refused symbols named in a reason; all of them are in its {@code symbols}. */
    private static final int UNKNOWN_SYMBOLS_NAMED = 10;

    private GatewayJson() {}

    static String lag(long dropped) {
        return "{\"type\":\"lag\",\"dropped\":" + dropped + "}";
    }

    static String closing(String reason) {
        return text(JSON.createObjectNode().put("type", "closing").put("reason", reason));
    }

    static String error(String reason) {
        return text(JSON.createObjectNode().put("type", "error").put("reason", reason));
    }

    /**
     * The refusal of the symbols of a subscribe that no feed it names carries ({@code "symbols"} lists each of them);
     * the rest of the subscribe, if any, was applied.
     */
    static String unknownSymbols(List<String> symbols, List<String> feeds) {
        String named = symbols.stream()
                        .limit(UNKNOWN_SYMBOLS_NAMED)
                        .map(s -> "\"" + s + "\"")
                        .collect(Collectors.joining(", "))
                + (symbols.size() > UNKNOWN_SYMBOLS_NAMED
                        ? " and " + (symbols.size() - UNKNOWN_SYMBOLS_NAMED) + " more"
                        : "");
        ObjectNode error = JSON.createObjectNode()
                .put("type", "error")
                .put(
                        "reason",
                        "unknown symbol" + (symbols.size() == 1 ? " " : "s ") + named + ", not subscribed: not an"
                                + " instrument of " + (feeds.isEmpty() ? "any feed" : String.join(", ", feeds))
                                + " that this gateway serves now (see /v1/markets)");
        symbols.forEach(error.putArray("symbols")::add);
        return text(error);
    }

    /** The reply to a ping, carrying the client's {@code id} back when it sent one. */
    static String pong(JsonNode id) {
        ObjectNode pong = JSON.createObjectNode().put("type", "pong");
        if (id != null && !id.isNull()) {
            pong.set("id", id);
        }
        return text(pong);
    }

    /** The acknowledgement of a subscribe or unsubscribe, echoing what it changed. */
    static String acknowledged(
            String type, Collection<String> symbols, Collection<String> feeds, Collection<String> types) {
        ObjectNode ack = JSON.createObjectNode().put("type", type);
        symbols.forEach(ack.putArray("symbols")::add);
        feeds.forEach(ack.putArray("feeds")::add);
        types.forEach(ack.putArray("types")::add);
        return text(ack);
    }

    /** A shard's control event as the client sees it: {@code {"type":"status","event":"connected",…}}. */
    static String status(ControlEvent event) {
        ObjectNode status = JSON.createObjectNode()
                .put("type", "status")
                .put("event", event.event())
                .put("feed", event.feed())
                .put("shard", event.shard())
                .put("ts", event.ts())
                .put("reason", event.reason());
        event.instruments().forEach(status.putArray("instruments")::add);
        event.sinceMicros().ifPresent(since -> status.put("since", since));
        if (event.count() != null) {
            // A publish_failed range: the receive times of its first and last message, how many, on how many
            // instruments.
            status.put("first", event.first())
                    .put("last", event.last())
                    .put("count", event.count())
                    .put("instrumentCount", event.instrumentCount());
        }
        return text(status);
    }

    /**
     * A book snapshot with the stream sequence it reflects added as {@code "seq"}: a client (or a test) can line it
     * up with the archive of the same stream.
     */
    static String withSeq(String eventJson, long seq) {
        return eventJson.substring(0, eventJson.lastIndexOf('}')) + ",\"seq\":" + seq + "}";
    }

    static String text(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }
}
