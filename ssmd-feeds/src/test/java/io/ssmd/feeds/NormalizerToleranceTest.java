package io.ssmd.feeds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmd.core.model.MarketEvent;
import io.ssmd.core.model.MarketEventJson;
import io.ssmd.core.model.Normalizer;
import io.ssmd.core.subject.Venue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every normalizer against every sample frame of its venue damaged in every way a venue's change could damage it:
 * cut short at every byte, and each field in turn replaced by null, a number, a string, an empty array, an empty
 * object, or removed. No input may throw; a cut frame gives nothing; whatever events come out write as client JSON.
 */
class NormalizerToleranceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<JsonNode> REPLACEMENTS =
            List.of(NODES.nullNode(), NODES.numberNode(-1), NODES.textNode("x"), NODES.arrayNode(), NODES.objectNode());
    /** Every type a venue's market data is published under, and the two others. */
    private static final Map<Venue, List<String>> TYPES = Map.of(
            Venue.KRAKEN, List.of("orderbook", "trade", "ticker"),
            Venue.KRAKEN_FUTURES, List.of("orderbook", "trade", "ticker"),
            Venue.POLYMARKET,
                    List.of(
                            "book",
                            "price_change",
                            "price_change_v0",
                            "price_change_v1",
                            "last_trade_price",
                            "tick_size_change",
                            "best_bid_ask",
                            "new_market",
                            "market_resolved"),
            Venue.KALSHI, List.of("orderbook", "ticker", "trade", "lifecycle", "event_lifecycle", "fill"));

    @ParameterizedTest
    @EnumSource(Venue.class)
    void noCutFrameGivesAnEvent(Venue venue) throws IOException {
        Normalizer normalizer = Venues.of(venue).normalizer();
        int cuts = 0;
        for (String line : samples(venue)) {
            byte[] frame = line.getBytes(StandardCharsets.UTF_8);
            for (int length = 0; length < frame.length; length++) {
                // A cut frame is never whole JSON, so the type it is read as does not matter: they rotate.
                String type = TYPES.get(venue).get(length % TYPES.get(venue).size());
                assertThat(normalizer.normalize(venue.id(), type, Arrays.copyOf(frame, length)))
                        .as("%s cut at %d as %s", line, length, type)
                        .isEmpty();
                cuts++;
            }
        }
        assertThat(cuts).isGreaterThan(1_000);
    }

    @ParameterizedTest
    @EnumSource(Venue.class)
    void everyDamagedFieldIsSurvived(Venue venue) throws IOException {
        Normalizer normalizer = Venues.of(venue).normalizer();
        int variants = 0;
        int events = 0;
        for (String line : samples(venue)) {
            JsonNode frame;
            try {
                frame = JSON.readTree(line);
            } catch (IOException e) {
                continue;
            }
            for (JsonNode damaged : damaged(frame)) {
                byte[] payload = JSON.writeValueAsBytes(damaged);
                for (String type : types(venue)) {
                    for (MarketEvent event : normalizer.normalize(venue.id(), type, payload)) {
                        assertThat(MarketEventJson.write(event)).isNotEmpty();
                        assertThat(event.instrument()).isNotEmpty();
                        events++;
                    }
                    variants++;
                }
            }
        }
        assertThat(variants).isGreaterThan(100);
        // Most damage is to a field an event can do without: events keep coming.
        assertThat(events).isGreaterThan(variants / 10);
    }

    private static List<String> types(Venue venue) {
        List<String> types = new ArrayList<>(TYPES.get(venue));
        types.add("system");
        types.add("unparsed");
        return types;
    }

    /** One copy of the frame per field and replacement, each with that one field damaged (or removed). */
    private static List<JsonNode> damaged(JsonNode frame) {
        List<JsonNode> copies = new ArrayList<>();
        List<List<Object>> paths = new ArrayList<>();
        collect(frame, new ArrayList<>(), paths);
        for (List<Object> path : paths) {
            for (JsonNode replacement : REPLACEMENTS) {
                copies.add(replaced(frame, path, replacement));
            }
            copies.add(replaced(frame, path, null));
        }
        return copies;
    }

    private static void collect(JsonNode node, List<Object> path, List<List<Object>> paths) {
        if (!path.isEmpty()) {
            paths.add(List.copyOf(path));
        }
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(name -> {
                path.add(name);
                collect(node.get(name), path, paths);
                path.remove(path.size() - 1);
            });
        } else if (node.isArray()) {
            // The first element stands for the others: a 300-level book need not be damaged 300 times.
            if (!node.isEmpty()) {
                path.add(0);
                collect(node.get(0), path, paths);
                path.remove(path.size() - 1);
            }
        }
    }

    /** A deep copy with the node at {@code path} replaced, or removed when {@code replacement} is null. */
    private static JsonNode replaced(JsonNode frame, List<Object> path, JsonNode replacement) {
        JsonNode copy = frame.deepCopy();
        JsonNode parent = copy;
        for (int i = 0; i < path.size() - 1; i++) {
            Object step = path.get(i);
            parent = step instanceof String name ? parent.get(name) : parent.get((Integer) step);
        }
        Object last = path.get(path.size() - 1);
        if (last instanceof String name) {
            if (replacement == null) {
                ((ObjectNode) parent).remove(name);
            } else {
                ((ObjectNode) parent).set(name, replacement);
            }
        } else if (replacement == null) {
            ((ArrayNode) parent).remove((Integer) last);
        } else {
            ((ArrayNode) parent).set((Integer) last, replacement);
        }
        return copy;
    }

    private static List<String> samples(Venue venue) throws IOException {
        try (InputStream in = Objects.requireNonNull(
                NormalizerToleranceTest.class.getResourceAsStream("/" + venue.id() + "/messages.jsonl"),
                venue.id() + " samples")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.isBlank())
                    .toList();
        }
    }
}
