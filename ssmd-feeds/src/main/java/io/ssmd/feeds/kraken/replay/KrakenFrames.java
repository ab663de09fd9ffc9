package io.ssmd.feeds.kraken.replay;

import static io.ssmd.feeds.kraken.KrakenProtocol.quote;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The protocol frames a Kraken spot v2 server sends (status, heartbeat, acks, errors, pong), written as the real ones
 * are (exchanges/kraken/messages.jsonl). Kraken writes a method response's keys in alphabetical order
 * ({@code error, method, req_id, result, success, symbol, time_in, time_out}, and the {@code result}'s keys too),
 * while channel frames start {@code channel, type, data}; a heartbeat has no {@code type} at all.
 */
public final class KrakenFrames {

    /** What the real service reported in 2026 captures. */
    static final String VERSION = "2.0.10";

    public static final String HEARTBEAT = "{\"channel\":\"heartbeat\"}";

    /** RFC 3339 with microseconds, as in {@code "2026-08-16T23:37:03.745044Z"}. */
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private KrakenFrames() {}

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    static String timestamp(long epochMicros) {
        return TIMESTAMP.format(Instant.ofEpochSecond(
                Math.floorDiv(epochMicros, 1_000_000L), Math.floorMod(epochMicros, 1_000_000L) * 1_000L));
    }

    /** The first frame on a connection; {@code connection_id} is an unsigned 64-bit number, often above 2^53. */
    static String status(long connectionId) {
        return "{\"channel\":\"status\",\"type\":\"update\",\"data\":[{\"version\":\"" + VERSION
                + "\",\"system\":\"online\",\"api_version\":\"v2\",\"connection_id\":"
                + Long.toUnsignedString(connectionId) + "}]}";
    }

    /** @param reqId the request's {@code req_id} as its JSON text, or null when it had none */
    static String pong(String reqId, String timeIn, String timeOut) {
        StringBuilder sb = new StringBuilder(120).append("{\"method\":\"pong\"");
        appendReqId(sb, reqId);
        return withTimes(sb, timeIn, timeOut);
    }

    /**
     * A successful subscribe or unsubscribe, for one symbol.
     *
     * @param depth        book only, else null
     * @param eventTrigger ticker only, else null
     * @param snapshot     null on unsubscribe
     */
    static String ack(
            String method,
            String reqId,
            String channel,
            Integer depth,
            String eventTrigger,
            Boolean snapshot,
            String symbol,
            String timeIn,
            String timeOut) {
        StringBuilder sb =
                new StringBuilder(200).append("{\"method\":\"").append(method).append('"');
        appendReqId(sb, reqId);
        sb.append(",\"result\":{\"channel\":\"").append(channel).append('"');
        if (depth != null) {
            sb.append(",\"depth\":").append(depth);
        }
        if (eventTrigger != null) {
            sb.append(",\"event_trigger\":\"").append(eventTrigger).append('"');
        }
        if (snapshot != null) {
            sb.append(",\"snapshot\":").append(snapshot);
        }
        sb.append(",\"symbol\":").append(quote(symbol)).append("},\"success\":true");
        return withTimes(sb, timeIn, timeOut);
    }

    /**
     * A refusal in Kraken's format.
     *
     * @param method the request's method, or null when it could not be read
     * @param symbol the symbol refused, or null when the whole request was (a depth Kraken does not offer)
     */
    static String error(String error, String method, String reqId, String symbol, String timeIn, String timeOut) {
        StringBuilder sb = new StringBuilder(200).append("{\"error\":").append(quote(error));
        if (method != null) {
            sb.append(",\"method\":").append(quote(method));
        }
        appendReqId(sb, reqId);
        sb.append(",\"success\":false");
        if (symbol != null) {
            sb.append(",\"symbol\":").append(quote(symbol));
        }
        return withTimes(sb, timeIn, timeOut);
    }

    /** Every answer ends with when the request came in and the answer went out. */
    private static String withTimes(StringBuilder sb, String timeIn, String timeOut) {
        return sb.append(",\"time_in\":\"")
                .append(timeIn)
                .append("\",\"time_out\":\"")
                .append(timeOut)
                .append("\"}")
                .toString();
    }

    private static void appendReqId(StringBuilder sb, String reqId) {
        if (reqId != null) {
            sb.append(",\"req_id\":").append(reqId);
        }
    }
}
