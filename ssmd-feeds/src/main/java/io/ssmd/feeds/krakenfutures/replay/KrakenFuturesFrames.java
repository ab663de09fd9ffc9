package io.ssmd.feeds.krakenfutures.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The text of Kraken Futures frames, server side. Numbers are written from whole units and a scale, never through a
 * {@code double}, so a price goes out exactly as the book holds it; protocol frames that echo client input go through
 * Jackson so that anything a client sends comes back escaped.
 */
public final class KrakenFuturesFrames {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long[] POW10 = new long[19];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    /** Sent by the venue right after the WebSocket opens. */
    public static final String INFO = "{\"event\":\"info\",\"version\":1}";

    /** The answer to {@code {"event":"ping"}}. */
    static final String PONG = "{\"event\":\"pong\"}";

    private KrakenFuturesFrames() {}

    /**
     * {@code units × 10^-scale} the way Kraken Futures prints prices and sizes: plain digits, trailing zeros dropped,
     * but at least one decimal ({@code 65360.0}, {@code 0.0003}, {@code 1907.3}); never exponent notation.
     */
    static StringBuilder appendDecimal(StringBuilder out, long units, int scale) {
        if (units < 0) {
            out.append('-');
            units = -units;
        }
        long pow = POW10[scale];
        out.append(units / pow).append('.');
        long fraction = units % pow;
        if (fraction == 0) {
            return out.append('0');
        }
        int digits = scale;
        while (fraction % 10 == 0) {
            fraction /= 10;
            digits--;
        }
        String text = Long.toString(fraction);
        for (int i = text.length(); i < digits; i++) {
            out.append('0');
        }
        return out.append(text);
    }

    static String decimal(long units, int scale) {
        return appendDecimal(new StringBuilder(24), units, scale).toString();
    }

    /**
     * Small rates the way the live ticker prints them: below 0.001 in exponent notation with a lower-case {@code e}
     * ({@code -2.840206944444e-6}, {@code 4.95625e-7}), otherwise plain ({@code -0.005422011861082485}).
     */
    static String rate(long units, int scale) {
        long abs = Math.abs(units);
        if (abs == 0 || scale < 3 || abs >= POW10[scale - 3]) {
            return decimal(units, scale);
        }
        String digits = Long.toString(abs);
        int exponent = digits.length() - 1 - scale;
        String mantissa = digits.substring(1).replaceFirst("0+$", "");
        return (units < 0 ? "-" : "") + digits.charAt(0) + "." + (mantissa.isEmpty() ? "0" : mantissa) + "e" + exponent;
    }

    /**
     * An answer to a subscribe or unsubscribe: {@code {"event":"subscribed","feed":"book","product_ids":[...]}}, or
     * without {@code product_ids} for a feed that has none (heartbeat).
     */
    static String ack(String event, String feed, List<String> productIds) {
        ObjectNode node = JSON.createObjectNode().put("event", event).put("feed", feed);
        if (productIds != null) {
            ArrayNode ids = node.putArray("product_ids");
            productIds.forEach(ids::add);
        }
        return node.toString();
    }

    /** A client's {@code {"event":"subscribe","feed":"book","product_ids":[...]}}. */
    static String subscribe(String feed, List<String> productIds) {
        ObjectNode node = JSON.createObjectNode().put("event", "subscribe").put("feed", feed);
        ArrayNode ids = node.putArray("product_ids");
        productIds.forEach(ids::add);
        return node.toString();
    }

    /** {@code {"event":"error","message":"..."}}. */
    static String error(String message) {
        return JSON.createObjectNode()
                .put("event", "error")
                .put("message", message)
                .toString();
    }

    /** {@code {"feed":"heartbeat","time":...}}, the heartbeat feed's only frame. */
    static String heartbeat(long timeMillis) {
        return "{\"feed\":\"heartbeat\",\"time\":" + timeMillis + "}";
    }
}
