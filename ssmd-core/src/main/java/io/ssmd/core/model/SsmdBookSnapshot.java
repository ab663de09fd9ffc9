package io.ssmd.core.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.core.subject.Subjects;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * ssmd's own book snapshot for late joiners (DESIGN §7), published by the shard that validates the book on
 * {@code {env}.{feed}.ssmd.book.{token}}:
 *
 * <pre>{@code {"type":"ssmd.book","feed":"kraken","instrument":"BTC/USD","token":"BTC-USD","seq":48211,
 * "ts":1755387423745044,"bids":[["62807.0","1.2"]],"asks":[["62807.1","0.4"]]}}</pre>
 *
 * <p>{@code seq} is the stream sequence after which the book is exact: every venue message of the feed's stream up to
 * it is reflected, none after it. A reader starts from the snapshot and applies the instrument's orderbook messages
 * with a greater sequence. Levels are normalized (bids best first, asks best first, sizes absolute, the wire's digits
 * kept as text); {@code ts} is the receive time (epoch µs) of the venue frame that made the last change.
 *
 * <p>{@code token} is the last token of the subject the instrument's venue book messages go on
 * ({@code {env}.{feed}[.{category}].json.{type}.{token}}, {@code type} one of its normalizer's
 * {@link Normalizer#bookTypes()}), which is how a reader matches the snapshot to them. It is
 * the instrument's own token everywhere but on Polymarket, whose book messages go on the market's condition id while
 * its books are per asset: there the snapshot's subject token and {@code instrument} are the asset's, and
 * {@code token} the condition id's.
 */
public record SsmdBookSnapshot(
        String feed, String instrument, String token, long seq, long ts, List<Level> bids, List<Level> asks) {

    /** The {@code type} field, which tells these apart from venue messages in an export of the raw stream. */
    public static final String TYPE = "ssmd.book";

    private static final JsonFactory FACTORY = JsonFactory.builder().build();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public SsmdBookSnapshot {
        bids = List.copyOf(bids);
        asks = List.copyOf(asks);
    }

    /** A snapshot of an instrument whose book messages go on its own token. */
    public SsmdBookSnapshot(String feed, String instrument, long seq, long ts, List<Level> bids, List<Level> asks) {
        this(feed, instrument, Subjects.token(instrument), seq, ts, bids, asks);
    }

    /** The same book as of a stream sequence. */
    public SsmdBookSnapshot at(long streamSeq) {
        return new SsmdBookSnapshot(feed, instrument, token, streamSeq, ts, bids, asks);
    }

    /** The book as a normalized whole-book event, as a gateway applies it. */
    public BookSnapshot toEvent() {
        return new BookSnapshot(feed, instrument, bids, asks, ts);
    }

    /** The payload published on the {@code ssmd.book} subject, UTF-8 JSON. */
    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 32 * (bids.size() + asks.size()));
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("type", TYPE);
            json.writeStringField("feed", feed);
            json.writeStringField("instrument", instrument);
            json.writeStringField("token", token);
            json.writeNumberField("seq", seq);
            json.writeNumberField("ts", ts);
            writeLevels(json, "bids", bids);
            writeLevels(json, "asks", asks);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeLevels(JsonGenerator json, String name, List<Level> levels) throws IOException {
        json.writeArrayFieldStart(name);
        for (Level level : levels) {
            json.writeStartArray();
            json.writeString(level.price().toPlainString());
            json.writeString(level.size().toPlainString());
            json.writeEndArray();
        }
        json.writeEndArray();
    }

    /**
     * Reads a payload written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException when it is not one
     */
    public static SsmdBookSnapshot fromJson(byte[] payload) {
        JsonNode node;
        try {
            node = MAPPER.readTree(payload);
        } catch (IOException e) {
            throw new IllegalArgumentException("not an ssmd book snapshot: " + e.getMessage(), e);
        }
        if (node == null || !TYPE.equals(node.path("type").asText())) {
            throw new IllegalArgumentException("not an ssmd book snapshot: type is not \"" + TYPE + "\"");
        }
        String instrument = node.path("instrument").asText();
        return new SsmdBookSnapshot(
                node.path("feed").asText(),
                instrument,
                node.path("token").asText(Subjects.token(instrument)),
                node.path("seq").asLong(),
                node.path("ts").asLong(),
                readLevels(node.path("bids")),
                readLevels(node.path("asks")));
    }

    private static List<Level> readLevels(JsonNode side) {
        List<Level> levels = new ArrayList<>(side.size());
        for (JsonNode level : side) {
            levels.add(new Level(
                    new BigDecimal(level.path(0).asText()),
                    new BigDecimal(level.path(1).asText())));
        }
        return levels;
    }
}
