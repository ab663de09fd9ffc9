package io.ssmd.data.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.archive.ExportArchive.Published;
import io.ssmd.core.subject.Subjects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The venues' recorded frames ({@code exchanges/*}/messages.jsonl, in test resources) on the subjects a connector
 * publishes them on: market data on {@code {env}.{feed}[.{category}].json.{type}.{token}}, the rest on the shard's
 * system subject.
 */
final class ExportFrames {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ExportFrames() {}

    static List<String> lines(String resource) {
        try (InputStream in = ExportFrames.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.isBlank())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kraken spot v2: {@code book} goes on {@code orderbook}, {@code trade} and {@code ticker} as they are. */
    static List<Published> kraken(String env) throws IOException {
        Map<String, String> types = Map.of("book", "orderbook", "trade", "trade", "ticker", "ticker");
        List<Published> published = new ArrayList<>();
        for (String line : lines("/export/kraken.jsonl")) {
            JsonNode frame = JSON.readTree(line);
            String type = types.get(frame.path("channel").asText());
            JsonNode data = frame.path("data");
            if (type == null || !data.isArray() || data.isEmpty()) {
                published.add(system(env, "kraken", line));
                continue;
            }
            String symbol = data.get(0).path("symbol").asText();
            published.add(new Published(Subjects.marketData(env, "kraken", type, Subjects.token(symbol)), bytes(line)));
        }
        return published;
    }

    /** Kalshi: books on {@code orderbook}, lifecycle on its own type, every market uncategorized. */
    static List<Published> kalshi(String env) throws IOException {
        Map<String, String> types = Map.of(
                "orderbook_snapshot", "orderbook",
                "orderbook_delta", "orderbook",
                "ticker", "ticker",
                "trade", "trade",
                "market_lifecycle_v2", "market_lifecycle_v2",
                "event_lifecycle", "event_lifecycle",
                "fill", "fill");
        List<Published> published = new ArrayList<>();
        for (String line : lines("/export/kalshi.jsonl")) {
            JsonNode frame = JSON.readTree(line);
            String type = types.get(frame.path("type").asText());
            JsonNode msg = frame.path("msg");
            String ticker =
                    msg.path("market_ticker").asText(msg.path("event_ticker").asText(""));
            if (type == null || ticker.isEmpty()) {
                published.add(system(env, "kalshi", line));
                continue;
            }
            published.add(new Published(
                    Subjects.marketData(env, "kalshi", Subjects.UNCATEGORIZED, type, Subjects.token(ticker)),
                    bytes(line)));
        }
        return published;
    }

    static Published system(String env, String feed, String frame) {
        return new Published(Subjects.system(env, feed, feed + "-0"), bytes(frame));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
