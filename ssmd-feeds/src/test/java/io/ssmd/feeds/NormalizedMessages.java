package io.ssmd.feeds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.core.model.MarketEvent;
import io.ssmd.core.model.MarketEventJson;
import io.ssmd.core.model.Normalizer;
import io.ssmd.core.shard.Decoded;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the golden tests of the normalizers share: a decoded frame's messages through a normalizer, as the gateway
 * will do it (the subject's type token and the payload), with the totals kept.
 */
public final class NormalizedMessages {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every event, in order. */
    public final List<MarketEvent> events = new ArrayList<>();
    /** Events per {@code type/kind} ({@code orderbook/BookSnapshot}, {@code trade/Trade}, ...). */
    public final Map<String, Integer> byType = new TreeMap<>();
    /** Market-data messages normalized, and how many of them gave no event. */
    public int dataMessages;

    public int silentDataMessages;
    /** System and unparsed messages given to the normalizer, and the events they gave (must stay 0). */
    public int otherMessages;

    public int eventsFromOtherMessages;

    private final Normalizer normalizer;
    private final String feed;

    public NormalizedMessages(Normalizer normalizer, String feed) {
        this.normalizer = normalizer;
        this.feed = feed;
    }

    /**
     * The type token of a subject: after {@code json} in {@code {env}.{feed}[.{category}].json.{type}.{token}},
     * {@code system} or {@code unparsed} for those subjects.
     */
    public static String type(String subject) {
        List<String> parts = Arrays.asList(subject.split("\\."));
        int json = parts.indexOf("json");
        assertThat(json).as("subject %s has a json token", subject).isPositive();
        return parts.get(json + 1);
    }

    /**
     * Normalizes every message of a decoded frame; for an unparsed frame, the frame itself under {@code unparsed}.
     * Returns this frame's events.
     */
    public List<MarketEvent> add(Decoded decoded, byte[] frame) {
        List<MarketEvent> frameEvents = new ArrayList<>();
        if (decoded.kind() == Decoded.Kind.UNPARSED) {
            otherMessages++;
            List<MarketEvent> none = normalizer.normalize(feed, "unparsed", frame);
            eventsFromOtherMessages += none.size();
            return frameEvents;
        }
        for (Decoded.Routed routed : decoded.messages()) {
            String type = type(routed.subject());
            List<MarketEvent> out = normalizer.normalize(feed, type, routed.payload());
            if (type.equals("system") || type.equals("unparsed")) {
                otherMessages++;
                eventsFromOtherMessages += out.size();
                continue;
            }
            dataMessages++;
            if (out.isEmpty()) {
                silentDataMessages++;
            }
            for (MarketEvent event : out) {
                assertThat(event.feed()).isEqualTo(feed);
                assertThat(event.instrument()).isNotBlank();
                assertThat(event.ts()).isNotNegative();
                assertClientJsonReadsBack(event);
                byType.merge(event.type() + "/" + event.getClass().getSimpleName(), 1, Integer::sum);
            }
            frameEvents.addAll(out);
        }
        events.addAll(frameEvents);
        return frameEvents;
    }

    /** The client JSON of every event is valid JSON naming the event's type, feed and instrument. */
    private static void assertClientJsonReadsBack(MarketEvent event) {
        try {
            JsonNode json = JSON.readTree(MarketEventJson.write(event));
            assertThat(json.get("type").asText()).isEqualTo(event.type());
            assertThat(json.get("ticker").asText()).isEqualTo(event.instrument());
            assertThat(json.get("ts").asLong()).isEqualTo(event.ts());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
