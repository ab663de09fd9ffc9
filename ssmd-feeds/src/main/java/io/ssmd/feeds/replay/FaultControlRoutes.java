package io.ssmd.feeds.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmd.core.config.Units;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /control}: faults on a running replay server.
 * <ul>
 *   <li>{@code GET /control/faults}: the current faults;</li>
 *   <li>{@code POST /control/faults} with a JSON object of changes (keys below), answered with the new state;</li>
 *   <li>{@code DELETE /control/faults}: no faults;</li>
 *   <li>{@code POST /control/disconnect}: drop every open session now;</li>
 *   <li>{@code GET /control/sessions}: {@code {"open":n,"total":m}}.</li>
 * </ul>
 */
final class FaultControlRoutes extends AllDirectives {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The keys of a fault change, with what each takes: shown in every 400 answer. */
    static final Map<String, String> KEYS = Map.ofEntries(
            Map.entry("drop-after-frames", "whole number, 0 = off: drop each session after N data frames"),
            Map.entry("drop-after", "duration or null: drop each session this long after it opened"),
            Map.entry("stall", "boolean: every session goes silent now (socket open)"),
            Map.entry("stall-after", "duration or null: each session goes silent this long after it opened"),
            Map.entry("skip-seq", "whole number: skip a sequence number in the next N frames that carry one"),
            Map.entry("skip-seq-every", "whole number, 0 = off: skip one every N data frames of each session"),
            Map.entry("bad-checksum", "whole number: the next N book updates carry a wrong checksum"),
            Map.entry("bad-checksum-every", "whole number, 0 = off"),
            Map.entry("malformed", "whole number: send N frames of broken JSON"),
            Map.entry("malformed-every", "whole number, 0 = off"),
            Map.entry("oversized", "whole number: send N frames of oversized-bytes"),
            Map.entry("oversized-every", "whole number, 0 = off"),
            Map.entry("oversized-bytes", "whole number or size (9MiB)"),
            Map.entry("reject", "list of instruments whose subscriptions are refused; \"*\" for all"),
            Map.entry("ignore-pings", "boolean: stop answering app-level pings"),
            Map.entry(
                    "silence",
                    "list of instruments: sessions subscribed to them now keep the subscription but send no data"
                            + " for them until they are subscribed again (Kraken spot, Kraken Futures)"),
            Map.entry(
                    "freeze",
                    "true: the sessions open now stop sending market data but keep answering pings"
                            + " (later sessions are not frozen)"),
            Map.entry(
                    "only",
                    "list of instruments: the connection faults (drop, stall, disconnect) hit only sessions"
                            + " subscribed to one of them; [] for every session"));

    private final ReplayServer server;
    private final Faults faults;

    FaultControlRoutes(ReplayServer server) {
        this.server = server;
        this.faults = server.faults();
    }

    Route route() {
        return concat(
                path(
                        "faults",
                        () -> concat(
                                get(() -> json(StatusCodes.OK, describe(faults))),
                                post(() -> entity(
                                        org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller.entityToString(),
                                        this::change)),
                                delete(() -> {
                                    faults.clear();
                                    return json(StatusCodes.OK, describe(faults));
                                }))),
                path(
                        "disconnect",
                        () -> post(() -> {
                            int open = server.openSessions();
                            faults.disconnectAll();
                            return json(StatusCodes.OK, JSON.createObjectNode().put("disconnected", open));
                        })),
                path(
                        "sessions",
                        () -> get(() -> json(
                                StatusCodes.OK,
                                JSON.createObjectNode()
                                        .put("open", server.openSessions())
                                        .put("total", server.totalSessions())))));
    }

    private Route change(String body) {
        JsonNode changes;
        try {
            changes = JSON.readTree(body);
        } catch (IOException e) {
            return error("the body is not JSON: " + e.getMessage());
        }
        if (changes == null || !changes.isObject()) {
            return error("the body must be a JSON object of fault changes");
        }
        List<String> problems = new ArrayList<>();
        changes.fieldNames().forEachRemaining(key -> {
            if (!KEYS.containsKey(key)) {
                problems.add("unknown key '" + key + "'");
            }
        });
        if (!problems.isEmpty()) {
            return error(String.join("; ", problems));
        }
        try {
            apply(faults, changes);
        } catch (IllegalArgumentException e) {
            return error(e.getMessage());
        }
        return json(StatusCodes.OK, describe(faults));
    }

    /** Applies a change; every value is checked before it is used. */
    static void apply(Faults faults, JsonNode changes) {
        changes.fields().forEachRemaining(entry -> {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            switch (key) {
                case "drop-after-frames" -> faults.dropAfterFrames(count(key, value));
                case "drop-after" -> faults.dropAfter(value.isNull() ? null : duration(key, value));
                case "stall" -> faults.stalled(bool(key, value));
                case "stall-after" -> faults.stallAfter(value.isNull() ? null : duration(key, value));
                case "skip-seq" -> faults.skipSeq().add(count(key, value));
                case "skip-seq-every" -> faults.skipSeq().every(count(key, value));
                case "bad-checksum" -> faults.badChecksum().add(count(key, value));
                case "bad-checksum-every" -> faults.badChecksum().every(count(key, value));
                case "malformed" -> faults.malformed().add(count(key, value));
                case "malformed-every" -> faults.malformed().every(count(key, value));
                case "oversized" -> faults.oversized().add(count(key, value));
                case "oversized-every" -> faults.oversized().every(count(key, value));
                case "oversized-bytes" ->
                    faults.oversizedBytes(
                            value.isTextual() ? Math.toIntExact(Units.parseSize(value.asText())) : count(key, value));
                case "reject" -> faults.reject(strings(key, value));
                case "silence" -> faults.silence(strings(key, value));
                case "ignore-pings" -> faults.ignorePings(bool(key, value));
                case "freeze" -> {
                    if (bool(key, value)) {
                        faults.freezeOpenSessions();
                    }
                }
                case "only" -> faults.only(value.isNull() ? List.of() : strings(key, value));
                default -> throw new IllegalArgumentException("unknown key '" + key + "'");
            }
        });
    }

    static ObjectNode describe(Faults faults) {
        ObjectNode node = JSON.createObjectNode();
        node.put("drop-after-frames", faults.dropAfterFrames());
        node.put("drop-after", faults.dropAfter().map(Units::format).orElse(null));
        node.put("stall", faults.stalled());
        node.put("stall-after", faults.stallAfter().map(Units::format).orElse(null));
        node.put("skip-seq", faults.skipSeq().pending());
        node.put("skip-seq-every", faults.skipSeq().every());
        node.put("bad-checksum", faults.badChecksum().pending());
        node.put("bad-checksum-every", faults.badChecksum().every());
        node.put("malformed", faults.malformed().pending());
        node.put("malformed-every", faults.malformed().every());
        node.put("oversized", faults.oversized().pending());
        node.put("oversized-every", faults.oversized().every());
        node.put("oversized-bytes", faults.oversizedBytes());
        faults.rejected().forEach(node.putArray("reject")::add);
        faults.silenced().stream().sorted().forEach(node.putArray("silence")::add);
        node.put("ignore-pings", faults.ignorePings());
        faults.only().forEach(node.putArray("only")::add);
        return node;
    }

    private static int count(String key, JsonNode value) {
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 0) {
            throw new IllegalArgumentException(key + ": expected a whole number of at least 0, got " + value);
        }
        return value.asInt();
    }

    private static boolean bool(String key, JsonNode value) {
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(key + ": expected true or false, got " + value);
        }
        return value.asBoolean();
    }

    private static java.time.Duration duration(String key, JsonNode value) {
        if (!value.isTextual()) {
            throw new IllegalArgumentException(key + ": expected a duration like \"5s\", got " + value);
        }
        try {
            return Units.parseDuration(value.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }

    private static List<String> strings(String key, JsonNode value) {
        List<String> list = new ArrayList<>();
        if (value.isTextual()) {
            list.add(value.asText());
        } else if (value.isArray()) {
            value.forEach(v -> {
                if (!v.isTextual()) {
                    throw new IllegalArgumentException(key + ": expected instrument names, got " + v);
                }
                list.add(v.asText());
            });
        } else {
            throw new IllegalArgumentException(key + ": expected an instrument or a list of them, got " + value);
        }
        return list;
    }

    private Route error(String reason) {
        ObjectNode body = JSON.createObjectNode().put("error", reason);
        ObjectNode keys = body.putObject("keys");
        KEYS.forEach(keys::put);
        return json(StatusCodes.BAD_REQUEST, body);
    }

    private Route json(StatusCode status, JsonNode body) {
        return complete(status, HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString()));
    }
}
