package io.ssmd.feeds.krakenfutures.replay;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a recording has shown so far of each product, so that a client subscribing in the middle of it gets a
 * snapshot first, as from the venue: the book rebuilt from the recorded {@code book_snapshot} and {@code book}
 * frames, and the last recorded trades. Prices and sizes keep their recorded text.
 */
final class KrakenFuturesRecordedMarket {

    private final Map<String, Book> books = new HashMap<>();
    private final Map<String, ArrayDeque<String>> trades = new HashMap<>();

    /** A recorded level: the price and size as the recording wrote them. */
    private record Level(String price, String qty) {}

    private static final class Book {
        final TreeMap<BigDecimal, Level> bids = new TreeMap<>(Comparator.reverseOrder());
        final TreeMap<BigDecimal, Level> asks = new TreeMap<>();
        long seq;
        long timestamp;
    }

    /**
     * Takes in a recorded frame about a product.
     *
     * @param frame parsed with exact decimals, so that the text of its numbers survives
     * @param text  the frame as recorded
     */
    void observe(String feed, String productId, JsonNode frame, String text) {
        switch (feed) {
            case "book_snapshot" -> snapshot(productId, frame);
            case "book" -> delta(productId, frame);
            case "trade" -> remember(productId, text);
            case "trade_snapshot" -> {
                ArrayDeque<String> recent = new ArrayDeque<>();
                frame.path("trades").forEach(trade -> recent.addLast(trade.toString()));
                trades.put(productId, recent);
            }
            default -> {}
        }
    }

    /**
     * A {@code book_snapshot} of the book as recorded so far, at the last recorded {@code seq} and time; empty when
     * the recording has shown no snapshot of this product yet (its deltas alone do not make a book).
     */
    Optional<String> bookSnapshot(String productId) {
        Book book = books.get(productId);
        if (book == null) {
            return Optional.empty();
        }
        StringBuilder out = new StringBuilder(256);
        out.append("{\"feed\":\"book_snapshot\",\"product_id\":\"")
                .append(productId)
                .append("\",\"timestamp\":")
                .append(book.timestamp)
                .append(",\"seq\":")
                .append(book.seq)
                .append(",\"tickSize\":null,\"bids\":");
        appendLevels(out, book.bids);
        out.append(",\"asks\":");
        appendLevels(out, book.asks);
        return Optional.of(out.append('}').toString());
    }

    /** A {@code trade_snapshot} of the last recorded trades, newest first; no trades yet gives an empty list. */
    String tradeSnapshot(String productId) {
        StringBuilder out = new StringBuilder(256);
        out.append("{\"feed\":\"trade_snapshot\",\"product_id\":\"")
                .append(productId)
                .append("\",\"trades\":[");
        Iterator<String> recent =
                trades.getOrDefault(productId, new ArrayDeque<>()).iterator();
        while (recent.hasNext()) {
            out.append(recent.next()).append(recent.hasNext() ? "," : "");
        }
        return out.append("]}").toString();
    }

    private void snapshot(String productId, JsonNode frame) {
        Book book = new Book();
        frame.path("bids").forEach(level -> put(book.bids, level.get("price"), level.get("qty")));
        frame.path("asks").forEach(level -> put(book.asks, level.get("price"), level.get("qty")));
        book.seq = frame.path("seq").asLong();
        book.timestamp = frame.path("timestamp").asLong();
        books.put(productId, book);
    }

    private void delta(String productId, JsonNode frame) {
        Book book = books.get(productId);
        if (book == null) {
            return;
        }
        TreeMap<BigDecimal, Level> side = "buy".equals(frame.path("side").asText()) ? book.bids : book.asks;
        JsonNode qty = frame.get("qty");
        if (qty == null || qty.decimalValue().signum() == 0) {
            side.remove(frame.path("price").decimalValue().stripTrailingZeros());
        } else {
            put(side, frame.get("price"), qty);
        }
        book.seq = frame.path("seq").asLong(book.seq);
        book.timestamp = frame.path("timestamp").asLong(book.timestamp);
    }

    private static void put(TreeMap<BigDecimal, Level> side, JsonNode price, JsonNode qty) {
        if (price == null || qty == null || !price.isNumber() || !qty.isNumber()) {
            return;
        }
        side.put(
                price.decimalValue().stripTrailingZeros(),
                new Level(
                        price.decimalValue().toPlainString(), qty.decimalValue().toPlainString()));
    }

    private void remember(String productId, String text) {
        ArrayDeque<String> recent = trades.computeIfAbsent(productId, p -> new ArrayDeque<>());
        recent.addFirst(text);
        if (recent.size() > KrakenFuturesSyntheticProduct.TRADE_HISTORY) {
            recent.removeLast();
        }
    }

    private static void appendLevels(StringBuilder out, TreeMap<BigDecimal, Level> side) {
        out.append('[');
        boolean first = true;
        for (Level level : side.values()) {
            out.append(first ? "" : ",")
                    .append("{\"price\":")
                    .append(level.price())
                    .append(",\"qty\":")
                    .append(level.qty())
                    .append('}');
            first = false;
        }
        out.append(']');
    }
}
