package io.ssmd.http.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.core.model.BookDelta;
import io.ssmd.core.model.BookSnapshot;
import io.ssmd.core.model.Level;
import io.ssmd.core.model.MarketEvent;
import io.ssmd.core.model.Normalizer;
import io.ssmd.core.model.Side;
import io.ssmd.core.model.Ticker;
import io.ssmd.core.model.Trade;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The venue of the gateway's own tests: a message format small enough to write by hand, so these tests check the
 * gateway and not a venue's quirks (the venues' normalizers have their golden tests in ssmd-feeds, and ssmd-app runs
 * the gateway with them). Messages: {@code {"kind":"trade","instrument","price","size","id","ts"}},
 * {@code {"kind":"ticker","instrument","last","ts"}}, {@code {"kind":"book","instrument","snapshot","bids","asks"}}
 * with levels as {@code [["price","size"],…]} and {@code "incremental":true} for signed changes, and
 * {@code {"kind":"books","books":[book,…]}}: one message that changes several instruments' books (Polymarket's
 * {@code price_change}, which carries both assets of a market).
 */
final class TestNormalizer implements Normalizer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Set<String> bookTypes;

    /** Book messages on {@code orderbook} subjects. */
    TestNormalizer() {
        this(Set.of("orderbook"));
    }

    /** Book messages on the subjects of these types (Polymarket's {@code book} and {@code price_change}). */
    TestNormalizer(Set<String> bookTypes) {
        this.bookTypes = Set.copyOf(bookTypes);
    }

    @Override
    public Set<String> bookTypes() {
        return bookTypes;
    }

    @Override
    public List<MarketEvent> normalize(String feed, String type, byte[] payload) {
        JsonNode m;
        try {
            m = JSON.readTree(payload);
        } catch (IOException e) {
            return List.of();
        }
        if (m.path("kind").asText().equals("books")) {
            List<MarketEvent> events = new ArrayList<>();
            m.path("books").forEach(book -> events.addAll(normalize(feed, book)));
            return events;
        }
        return normalize(feed, m);
    }

    private static List<MarketEvent> normalize(String feed, JsonNode m) {
        String instrument = m.path("instrument").asText();
        long ts = m.path("ts").asLong(0);
        return switch (m.path("kind").asText()) {
            case "trade" ->
                List.of(new Trade(
                        feed,
                        instrument,
                        new BigDecimal(m.path("price").asText()),
                        new BigDecimal(m.path("size").asText()),
                        Side.BUY,
                        Optional.of(m.path("id").asText()),
                        ts,
                        false));
            case "ticker" ->
                List.of(new Ticker(
                        feed,
                        instrument,
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of(new BigDecimal(m.path("last").asText())),
                        Optional.empty(),
                        ts));
            case "book" ->
                m.path("snapshot").asBoolean()
                        ? List.of(
                                new BookSnapshot(feed, instrument, levels(m.path("bids")), levels(m.path("asks")), ts))
                        : List.of(new BookDelta(
                                feed,
                                instrument,
                                levels(m.path("bids")),
                                levels(m.path("asks")),
                                m.path("incremental").asBoolean(),
                                ts));
            default -> List.of();
        };
    }

    private static List<Level> levels(JsonNode array) {
        List<Level> levels = new ArrayList<>();
        for (JsonNode level : array) {
            levels.add(new Level(
                    new BigDecimal(level.get(0).asText()),
                    new BigDecimal(level.get(1).asText())));
        }
        return levels;
    }
}
