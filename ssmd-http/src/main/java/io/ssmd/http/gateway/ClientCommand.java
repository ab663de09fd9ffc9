package io.ssmd.http.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a client may send on {@code /v1/stream} (docs/gateway.md):
 * {@code {"action":"subscribe","symbols":[…],"feeds":[…],"types":[…]}}, the same with {@code unsubscribe}, and
 * {@code {"action":"ping"}} (optionally with an {@code id} that the pong carries back).
 */
sealed interface ClientCommand {

    /** The event types a client can ask for; {@code status}, {@code lag} and replies come regardless. */
    List<String> TYPES = List.of("trade", "ticker", "orderbook", "lifecycle");

    /** Adds (subscribe) or removes (unsubscribe) every feed × symbol × type combination named. */
    record Change(boolean subscribe, List<String> symbols, List<String> feeds, List<String> types)
            implements ClientCommand {}

    record Ping(JsonNode id) implements ClientCommand {}

    /** A message the gateway cannot act on, and why; the connection stays open. */
    final class Invalid extends Exception {
        Invalid(String reason) {
            super(reason);
        }
    }

    /**
     * Parses one client message.
     *
     * @param feeds the feeds this gateway serves: naming another is an error, not a silent empty subscription
     * @throws Invalid with a reason meant for the client
     */
    static ClientCommand parse(String text, Set<String> feeds) throws Invalid {
        JsonNode message;
        try {
            message = GatewayJson.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new Invalid("not JSON: " + e.getOriginalMessage());
        }
        if (message == null || !message.isObject()) {
            throw new Invalid("expected a JSON object like {\"action\":\"subscribe\",\"symbols\":[\"BTC/USD\"]}");
        }
        JsonNode action = message.get("action");
        if (action == null || !action.isTextual()) {
            throw new Invalid("\"action\" must be a string: subscribe, unsubscribe or ping");
        }
        return switch (action.asText()) {
            case "ping" -> {
                onlyKeys(message, Set.of("action", "id"));
                yield new Ping(message.get("id"));
            }
            case "subscribe" -> change(true, message, feeds);
            case "unsubscribe" -> change(false, message, feeds);
            default ->
                throw new Invalid(
                        "unknown action \"" + action.asText() + "\": expected subscribe, unsubscribe or ping");
        };
    }

    private static Change change(boolean subscribe, JsonNode message, Set<String> knownFeeds) throws Invalid {
        onlyKeys(message, Set.of("action", "symbols", "feeds", "types"));
        List<String> symbols = strings(message, "symbols");
        List<String> feeds = strings(message, "feeds");
        List<String> types = strings(message, "types");
        if (symbols.isEmpty() && feeds.isEmpty()) {
            throw new Invalid("name at least one of \"symbols\" or \"feeds\"");
        }
        for (String feed : feeds) {
            if (!knownFeeds.contains(feed)) {
                throw new Invalid(
                        "unknown feed \"" + feed + "\": this gateway serves " + String.join(", ", knownFeeds));
            }
        }
        for (String type : types) {
            if (!TYPES.contains(type)) {
                throw new Invalid("unknown type \"" + type + "\": expected " + String.join(", ", TYPES));
            }
        }
        return new Change(subscribe, symbols, feeds, types);
    }

    private static List<String> strings(JsonNode message, String field) throws Invalid {
        JsonNode node = message.get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new Invalid("\"" + field + "\" must be an array of strings");
        }
        Set<String> values = new LinkedHashSet<>();
        for (JsonNode element : node) {
            if (!element.isTextual() || element.asText().isEmpty()) {
                throw new Invalid("\"" + field + "\" must be an array of non-empty strings, found " + element);
            }
            values.add(element.asText());
        }
        return List.copyOf(values);
    }

    private static void onlyKeys(JsonNode message, Set<String> allowed) throws Invalid {
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> names = message.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new Invalid("unknown field(s) " + unknown + ": expected "
                    + allowed.stream().sorted().toList());
        }
    }
}
