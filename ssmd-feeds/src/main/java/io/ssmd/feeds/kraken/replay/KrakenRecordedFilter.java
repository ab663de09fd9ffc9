package io.ssmd.feeds.kraken.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * Which recorded frames a session sends, verbatim: {@code book}, {@code trade} and {@code ticker} frames with an
 * entry for a channel and symbol the client subscribed to. Everything else in a recording (status, heartbeats, acks,
 * pongs, the recorder's own requests, non-JSON lines) is about no subscription and is not resent; the session sends
 * its own status, acks and heartbeats.
 *
 * <p>Kraken spot has no sequence numbers to rewrite; what keeps the stream consistent is the book checksum, which
 * only holds from a snapshot on. So after subscribing to a book, the client gets that symbol's book updates only
 * from the next recorded snapshot of it, as a Kraken client gets a snapshot before any update.
 */
final class KrakenRecordedFilter {

    private static final ObjectMapper JSON = new ObjectMapper();

    enum Verdict {
        SKIP,
        SEND,
        SEND_BOOK_UPDATE
    }

    private final Set<String> booksFromSnapshot = new HashSet<>();

    /** A new book subscription waits for the symbol's next snapshot. */
    void subscribed(String channel, String symbol) {
        if (channel.equals("book")) {
            booksFromSnapshot.remove(symbol);
        }
    }

    Verdict verdict(String text, BiPredicate<String, String> subscribed) {
        JsonNode frame;
        try {
            frame = JSON.readTree(text);
        } catch (IOException e) {
            return Verdict.SKIP;
        }
        if (frame == null || !frame.isObject() || !frame.path("data").isArray()) {
            return Verdict.SKIP;
        }
        String channel = frame.path("channel").asText("");
        if (!KrakenRequest.CHANNELS.contains(channel)) {
            return Verdict.SKIP;
        }
        boolean snapshot = frame.path("type").asText("").equals("snapshot");
        boolean send = false;
        // data holds one entry per symbol; any subscribed one makes the frame the client's.
        for (JsonNode entry : frame.get("data")) {
            String symbol = entry.path("symbol").asText("");
            if (!subscribed.test(channel, symbol)) {
                continue;
            }
            if (!channel.equals("book")) {
                send = true;
            } else if (snapshot) {
                booksFromSnapshot.add(symbol);
                send = true;
            } else if (booksFromSnapshot.contains(symbol)) {
                send = true;
            }
        }
        if (!send) {
            return Verdict.SKIP;
        }
        return channel.equals("book") && !snapshot ? Verdict.SEND_BOOK_UPDATE : Verdict.SEND;
    }

    /** The frame with its first {@code checksum} changed by one bit: the bad-checksum fault on a recorded update. */
    static String withWrongChecksum(String frame) {
        String key = "\"checksum\":";
        int start = frame.indexOf(key);
        if (start < 0) {
            return frame;
        }
        start += key.length();
        int end = start;
        while (end < frame.length() && Character.isDigit(frame.charAt(end))) {
            end++;
        }
        if (end == start) {
            return frame;
        }
        long wrong = Long.parseLong(frame.substring(start, end)) ^ 1;
        return frame.substring(0, start) + wrong + frame.substring(end);
    }
}
