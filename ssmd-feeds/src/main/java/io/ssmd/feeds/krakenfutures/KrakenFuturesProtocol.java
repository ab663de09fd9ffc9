package io.ssmd.feeds.krakenfutures;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Kraken Futures WebSocket v1 as the client speaks it (exchanges/PROTOCOLS.md §3): the public feeds ssmd subscribes
 * to, the requests it sends, and the names of the frames it receives. Frames are flat JSON objects: data frames carry
 * a {@code feed}, control frames an {@code event}.
 */
public final class KrakenFuturesProtocol {

    /** Requests are built with Jackson so that a product id is always escaped as JSON. */
    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code book}'s first frame per product; {@code seq} starts there. */
    static final String BOOK_SNAPSHOT = "book_snapshot";
    /** The last trades, sent again on every (re)subscribe to {@code trade}. */
    static final String TRADE_SNAPSHOT = "trade_snapshot";

    /** Subject types (DESIGN §4): both book frames are {@code orderbook}, both trade frames {@code trade}. */
    static final String TYPE_TICKER = "ticker";

    static final String TYPE_TRADE = "trade";
    static final String TYPE_ORDERBOOK = "orderbook";

    /** Control events the venue sends, each published on the system subject under its own name. */
    static final List<String> SYSTEM_EVENTS =
            List.of("info", "subscribed", "subscribed_failed", "unsubscribed", "unsubscribed_failed", "error", "alert");

    /** Requests a client sends; the venue never does, so receiving one means something is wrong. */
    static final List<String> CLIENT_REQUESTS = List.of("subscribe", "unsubscribe", "ping");

    /** The public feeds ssmd subscribes to, by their wire name. */
    public enum Channel {
        BOOK("book"),
        TRADE("trade"),
        TICKER("ticker"),
        /** The only feed without products: {@code {"feed":"heartbeat","time":...}} at timed intervals. */
        HEARTBEAT("heartbeat");

        private final String wire;

        Channel(String wire) {
            this.wire = wire;
        }

        /** The feed's name on the wire and in the feed file's {@code channels}. */
        public String wire() {
            return wire;
        }

        /** Whether subscriptions to this feed name products. */
        public boolean perProduct() {
            return this != HEARTBEAT;
        }

        public static Optional<Channel> of(String wire) {
            return Arrays.stream(values()).filter(c -> c.wire.equals(wire)).findFirst();
        }

        /** The supported names, for error messages. */
        public static String names() {
            return String.join(", ", Arrays.stream(values()).map(Channel::wire).toList());
        }
    }

    private KrakenFuturesProtocol() {}

    /**
     * {@code {"event":"subscribe","feed":"book","product_ids":["PF_XBTUSD"]}}, or {@code
     * {"event":"subscribe","feed":"heartbeat"}} for the heartbeat, which takes no products.
     */
    public static String subscribe(Channel channel, List<String> productIds) {
        return request("subscribe", channel, productIds);
    }

    /** The matching {@code unsubscribe}. */
    public static String unsubscribe(Channel channel, List<String> productIds) {
        return request("unsubscribe", channel, productIds);
    }

    /** {@code {"event":"subscribe","feed":"heartbeat"}}, the request printed in Kraken's heartbeat docs. */
    public static String subscribeHeartbeat() {
        return subscribe(Channel.HEARTBEAT, List.of());
    }

    private static String request(String event, Channel channel, List<String> productIds) {
        ObjectNode node = JSON.createObjectNode().put("event", event).put("feed", channel.wire());
        if (channel.perProduct()) {
            ArrayNode ids = node.putArray("product_ids");
            productIds.forEach(ids::add);
        }
        return node.toString();
    }
}
