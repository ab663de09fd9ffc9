package io.ssmd.feeds.kalshi.replay;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmd.feeds.kalshi.KalshiProtocol;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * Recorded mode: passes a recorded Kalshi frame to a client that subscribed to its channel and market, rewritten so
 * that the client sees one consistent stream.
 * <ul>
 *   <li>{@code sid} becomes the client's own sid for that channel: the recording's sids belonged to another
 *       connection.</li>
 *   <li>A frame that carries {@code seq} gets the client sid's next seq (continuous, whatever gaps or other sids
 *       the recording had); a frame without one gets none, as the venue sends it.</li>
 *   <li>{@code orderbook_delta} frames of a market wait for that market's recorded {@code orderbook_snapshot} on
 *       the sid: a delta without its book is useless to a client.</li>
 *   <li>Top-level keys starting with {@code _} are a collector's additions ({@code _rx_ms}, {@code _shard_id}),
 *       not Kalshi's, and are left out.</li>
 *   <li>Frames that name no market (acks, errors, client commands in the file) are not resent; lifecycle frames go
 *       to every {@code market_lifecycle_v2} sid, which ignores ticker filters.</li>
 * </ul>
 * Everything else is as recorded, the legacy integer-cent fields of older captures included.
 */
final class KalshiRecordedRelay {

    /** Decimal numbers keep their exact text: a recorded frame is re-serialized, not re-computed. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    private final Collection<KalshiSubscription> subscriptions;
    private final ToLongFunction<KalshiSubscription> nextSeq;

    /**
     * @param subscriptions the session's subscriptions (a live view)
     * @param nextSeq       the next data seq of a subscription (where the skip-seq fault applies)
     */
    KalshiRecordedRelay(Collection<KalshiSubscription> subscriptions, ToLongFunction<KalshiSubscription> nextSeq) {
        this.subscriptions = subscriptions;
        this.nextSeq = nextSeq;
    }

    /** The frame to send this client, if it is subscribed to what the frame is about. */
    Optional<String> relay(String text) {
        ObjectNode frame = parse(text);
        if (frame == null) {
            return Optional.empty();
        }
        String type = frame.path("type").asText("");
        String channel = channel(type);
        String ticker = frame.path("msg").path("market_ticker").asText(null);
        if (channel == null || (ticker == null && !channel.equals(KalshiProtocol.MARKET_LIFECYCLE))) {
            return Optional.empty();
        }
        KalshiSubscription sub = subscription(channel, ticker);
        if (sub == null) {
            return Optional.empty();
        }
        if (type.equals("orderbook_snapshot")) {
            sub.markSnapshotSent(ticker);
        } else if (type.equals("orderbook_delta") && !sub.snapshotSent(ticker)) {
            return Optional.empty();
        }
        List<String> collectorKeys = new ArrayList<>();
        frame.fieldNames().forEachRemaining(key -> {
            if (key.startsWith("_")) {
                collectorKeys.add(key);
            }
        });
        frame.remove(collectorKeys);
        frame.put("sid", sub.sid());
        if (frame.has("seq")) {
            frame.put("seq", nextSeq.applyAsLong(sub));
        }
        return Optional.of(frame.toString());
    }

    private static ObjectNode parse(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node instanceof ObjectNode object ? object : null;
        } catch (IOException notJson) {
            // A raw line of an archive that was not JSON on the wire either: nothing to route it by.
            return null;
        }
    }

    /** The channel a frame type arrives on; null for acks, errors and anything unknown. */
    private static String channel(String type) {
        return switch (type) {
            case "orderbook_snapshot", "orderbook_delta" -> KalshiProtocol.ORDERBOOK_DELTA;
            case "ticker" -> KalshiProtocol.TICKER;
            case "trade" -> KalshiProtocol.TRADE;
            case "market_lifecycle_v2", "event_lifecycle", "event_fee_update" -> KalshiProtocol.MARKET_LIFECYCLE;
            case "fill" -> "fill";
            default -> null;
        };
    }

    private KalshiSubscription subscription(String channel, String ticker) {
        for (KalshiSubscription sub : subscriptions) {
            if (sub.channel().equals(channel) && (ticker == null || sub.covers(ticker))) {
                return sub;
            }
        }
        return null;
    }
}
