package io.ssmd.feeds.kalshi;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Kalshi Trade API WebSocket v2 on the wire (exchanges/PROTOCOLS.md §1): channel names, error codes, the number
 * formats and the control frames (acks, errors) as the venue writes them.
 *
 * <p>Key order follows the real demo captures ({@code "type"} first, then {@code "id"}, {@code "sid"},
 * {@code "seq"}, {@code "msg"}); the docs print other orders, and Kalshi's own order varies, so clients must parse
 * by key anyway.
 */
public final class KalshiProtocol {

    /** The WebSocket path, which is also what the handshake signature covers. */
    public static final String WEBSOCKET_PATH = "/trade-api/ws/v2";

    public static final String ORDERBOOK_DELTA = "orderbook_delta";
    public static final String TICKER = "ticker";
    public static final String TRADE = "trade";
    public static final String MARKET_LIFECYCLE = "market_lifecycle_v2";

    /** The public market-data channels the replay server generates data for, in subscribe order. */
    public static final List<String> MARKET_DATA_CHANNELS = List.of(ORDERBOOK_DELTA, TICKER, TRADE, MARKET_LIFECYCLE);

    /**
     * Every channel name Kalshi accepts. The private ones (fills, positions, orders...) are acknowledged but stay
     * silent: a replay server has no orders of the client's.
     */
    public static final Set<String> CHANNELS = Set.of(
            ORDERBOOK_DELTA,
            TICKER,
            TRADE,
            MARKET_LIFECYCLE,
            "fill",
            "market_positions",
            "multivariate",
            "multivariate_market_lifecycle",
            "communications",
            "order_group_updates",
            "user_orders");

    /** Kalshi's numbered command errors, with the venue's own texts. */
    public enum Error {
        UNABLE_TO_PROCESS(1, "Unable to process message"),
        PARAMS_REQUIRED(2, "Params required"),
        CHANNELS_REQUIRED(3, "Channels required"),
        SIDS_REQUIRED(4, "Subscription IDs required"),
        UNKNOWN_COMMAND(5, "Unknown command"),
        ALREADY_SUBSCRIBED(6, "Already subscribed"),
        UNKNOWN_SID(7, "Unknown subscription ID"),
        UNKNOWN_CHANNEL(8, "Unknown channel name"),
        CHANNEL_ERROR(10, "Channel error"),
        INVALID_PARAMETER(11, "Invalid parameter"),
        EXACTLY_ONE_SID(12, "Exactly one subscription ID is required"),
        UNSUPPORTED_ACTION(13, "Unsupported action"),
        MARKET_TICKER_REQUIRED(14, "Market Ticker required"),
        ACTION_REQUIRED(15, "Action required"),
        MARKET_NOT_FOUND(16, "Market not found");

        private final int code;
        private final String text;

        Error(int code, String text) {
            this.code = code;
            this.text = text;
        }

        public int code() {
            return code;
        }

        public String text() {
            return text;
        }
    }

    private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();

    private KalshiProtocol() {}

    /**
     * Client keepalive: Kalshi's own pings are WebSocket control frames nobody sees (DESIGN.md §11), so the client
     * asks for its subscriptions and counts the answer as life. No {@code id}: Kalshi treats a missing one as "no id",
     * and a fixed frame cannot carry the unique id a session wants.
     */
    public static final String LIST_SUBSCRIPTIONS = "{\"cmd\":\"list_subscriptions\"}";

    /**
     * Client: {@code {"id":1,"cmd":"subscribe","params":{"channels":[...],"market_tickers":[...]}}}, asking for an
     * initial ticker per market when the ticker channel is among them.
     */
    public static String subscribe(long id, List<String> channels, Collection<String> tickers) {
        StringBuilder b = new StringBuilder(96 + 32 * tickers.size())
                .append("{\"id\":")
                .append(id)
                .append(",\"cmd\":\"subscribe\",\"params\":{\"channels\":");
        strings(b, channels);
        b.append(",\"market_tickers\":");
        strings(b, tickers);
        if (channels.contains(TICKER)) {
            b.append(",\"send_initial_snapshot\":true");
        }
        return b.append("}}").toString();
    }

    /** Client: a subscribe naming no markets, for {@code market_lifecycle_v2}, which ignores ticker filters anyway. */
    public static String subscribeAllMarkets(long id, String channel) {
        StringBuilder b = new StringBuilder(80)
                .append("{\"id\":")
                .append(id)
                .append(",\"cmd\":\"subscribe\",\"params\":{\"channels\":");
        strings(b, List.of(channel));
        return b.append("}}").toString();
    }

    /** Client: {@code {"id":124,"cmd":"unsubscribe","params":{"sids":[1]}}}. */
    public static String unsubscribe(long id, Collection<Integer> sids) {
        StringBuilder b = new StringBuilder(64)
                .append("{\"id\":")
                .append(id)
                .append(",\"cmd\":\"unsubscribe\",\"params\":{\"sids\":[");
        boolean first = true;
        for (int sid : sids) {
            b.append(first ? "" : ",").append(sid);
            first = false;
        }
        return b.append("]}}").toString();
    }

    /**
     * Client: {@code update_subscription} of one sid ({@code sids} with exactly one element, as Kalshi requires),
     * {@code action} {@code add_markets}, {@code delete_markets} or {@code get_snapshot}.
     */
    public static String updateSubscription(long id, int sid, String action, Collection<String> tickers) {
        StringBuilder b = new StringBuilder(96 + 32 * tickers.size())
                .append("{\"id\":")
                .append(id)
                .append(",\"cmd\":\"update_subscription\",\"params\":{\"sids\":[")
                .append(sid)
                .append("],\"market_tickers\":");
        strings(b, tickers);
        b.append(",\"action\":");
        quote(b, action);
        return b.append("}}").toString();
    }

    /** {@code {"type":"subscribed","id":1,"msg":{"channel":"orderbook_delta","sid":1}}}: one per channel. */
    public static String subscribed(Long id, String channel, int sid) {
        StringBuilder b = new StringBuilder(80).append("{\"type\":\"subscribed\"");
        id(b, id);
        b.append(",\"msg\":{\"channel\":");
        quote(b, channel);
        return b.append(",\"sid\":").append(sid).append("}}").toString();
    }

    /**
     * {@code {"type":"ok","id":2,"sid":1,"seq":108,"msg":{"market_tickers":[...]}}}: the answer to
     * {@code update_subscription} and to a repeat {@code subscribe}; it consumes a seq on that sid.
     *
     * @param tickers the subscription's markets after the change, or null to leave out {@code msg}
     *                ({@code skip_ticker_ack})
     */
    public static String ok(Long id, int sid, long seq, Collection<String> tickers) {
        StringBuilder b = new StringBuilder(128).append("{\"type\":\"ok\"");
        id(b, id);
        b.append(",\"sid\":").append(sid).append(",\"seq\":").append(seq);
        if (tickers != null) {
            b.append(",\"msg\":{\"market_tickers\":");
            strings(b, tickers);
            b.append('}');
        }
        return b.append('}').toString();
    }

    /** {@code {"type":"unsubscribed","id":102,"sid":2,"seq":7}}: carries the sid's next seq. */
    public static String unsubscribed(Long id, int sid, long seq) {
        StringBuilder b = new StringBuilder(64).append("{\"type\":\"unsubscribed\"");
        id(b, id);
        return b.append(",\"sid\":")
                .append(sid)
                .append(",\"seq\":")
                .append(seq)
                .append('}')
                .toString();
    }

    /** {@code {"type":"error","id":3,"msg":{"code":8,"msg":"Unknown channel name"}}}. */
    public static String error(Long id, Error error) {
        return error(id, error, null);
    }

    /** An error about one market: {@code market_ticker} joins {@code code} and {@code msg}. */
    public static String error(Long id, Error error, String marketTicker) {
        StringBuilder b = new StringBuilder(96).append("{\"type\":\"error\"");
        id(b, id);
        b.append(",\"msg\":{\"code\":").append(error.code()).append(",\"msg\":");
        quote(b, error.text());
        if (marketTicker != null) {
            b.append(",\"market_ticker\":");
            quote(b, marketTicker);
        }
        return b.append("}}").toString();
    }

    /**
     * A price in ten-thousandths of a dollar as Kalshi writes it since the fixed-point migration: {@code 4500} is
     * {@code "0.4500"}. Integers all the way, so the text is exact.
     */
    public static String dollars(int tenThousandths) {
        StringBuilder b = new StringBuilder(8);
        appendFixed(b, tenThousandths, 10_000, 4);
        return b.toString();
    }

    /** A contract count in hundredths as Kalshi's {@code _fp} fields write it: {@code 141000} is {@code "1410.00"}. */
    public static String count(long hundredths) {
        StringBuilder b = new StringBuilder(12);
        appendFixed(b, hundredths, 100, 2);
        return b.toString();
    }

    private static void appendFixed(StringBuilder b, long value, long unit, int decimals) {
        if (value < 0) {
            b.append('-');
            value = -value;
        }
        b.append(value / unit).append('.');
        String fraction = Long.toString(value % unit);
        b.append("0".repeat(decimals - fraction.length())).append(fraction);
    }

    public static void quote(StringBuilder b, String text) {
        b.append('"');
        ENCODER.quoteAsString(text, b);
        b.append('"');
    }

    public static void strings(StringBuilder b, Collection<String> texts) {
        b.append('[');
        boolean first = true;
        for (String text : texts) {
            b.append(first ? "" : ",");
            quote(b, text);
            first = false;
        }
        b.append(']');
    }

    private static void id(StringBuilder b, Long id) {
        if (id != null) {
            b.append(",\"id\":").append(id);
        }
    }
}
