package io.ssmd.feeds.kraken;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows a Kraken data stream as a careful client would and checks it: every book entry's checksum against the
 * rebuilt book (counted, so a test can expect a fault's mismatch), books valid after every entry, trade ids
 * continuous per pair, trades at or inside the spread, tickers agreeing with the book and the last trade.
 */
public final class StreamChecker {

    /** Numbers as exact decimals, so {@code toPlainString} gives back the wire text. */
    private static final ObjectMapper EXACT = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    private final Map<String, ClientBook> books = new HashMap<>();
    private final Map<String, Long> lastTradeIds = new HashMap<>();
    private final Map<String, String> lastTradePrices = new HashMap<>();
    public int bookUpdates;
    public int checksumMismatches;
    public int trades;
    public int tickers;
    public int multiSymbolFrames;

    /** The client subscribed to this book at this depth. */
    public void book(String symbol, int depth) {
        books.put(symbol, new ClientBook(depth));
    }

    public void accept(String frame) {
        JsonNode node;
        try {
            node = EXACT.readTree(frame);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + frame, e);
        }
        String channel = node.path("channel").asText();
        boolean snapshot = node.path("type").asText().equals("snapshot");
        if (node.path("data").size() > 1 && !(channel.equals("trade") && snapshot)) {
            multiSymbolFrames++;
        }
        switch (channel) {
            case "book" -> book(frame, snapshot);
            case "trade" -> node.get("data").forEach(trade -> trade(trade, snapshot));
            case "ticker" -> node.get("data").forEach(this::ticker);
            default -> {}
        }
    }

    private void book(String frame, boolean snapshot) {
        List<ClientBook.Entry> entries = ClientBook.entries(frame);
        assertThat(entries).as(frame).isNotEmpty();
        for (ClientBook.Entry entry : entries) {
            ClientBook book = books.get(entry.symbol());
            assertThat(book)
                    .as("a book entry for an unsubscribed %s", entry.symbol())
                    .isNotNull();
            if (book.apply(entry, snapshot) != entry.checksum()) {
                checksumMismatches++;
            }
            book.assertValid(entry.symbol());
            if (!snapshot) {
                bookUpdates++;
            }
        }
    }

    private void trade(JsonNode trade, boolean snapshot) {
        String symbol = trade.get("symbol").asText();
        long id = trade.get("trade_id").asLong();
        Long last = lastTradeIds.put(symbol, id);
        if (last != null) {
            assertThat(id).as("%s trade_id after %d", symbol, last).isEqualTo(last + 1);
        }
        String price = trade.get("price").decimalValue().toPlainString();
        lastTradePrices.put(symbol, price);
        assertThat(trade.get("qty").decimalValue().signum()).isPositive();
        ClientBook book = books.get(symbol);
        if (!snapshot && book != null) {
            // The trade comes before the book update that it causes: it took the best bid or ask of this book.
            assertThat(new BigDecimal(price))
                    .as("%s trade inside the spread", symbol)
                    .isBetween(book.bestBid(), book.bestAsk());
            assertThat(trade.get("side").asText().equals("buy") ? book.bestAskText() : book.bestBidText())
                    .isEqualTo(price);
        }
        if (!snapshot) {
            trades++;
        }
    }

    private void ticker(JsonNode ticker) {
        String symbol = ticker.get("symbol").asText();
        ClientBook book = books.get(symbol);
        if (book != null) {
            assertThat(ticker.get("bid").decimalValue().toPlainString()).isEqualTo(book.bestBidText());
            assertThat(ticker.get("ask").decimalValue().toPlainString()).isEqualTo(book.bestAskText());
        }
        if (lastTradePrices.containsKey(symbol)) {
            assertThat(ticker.get("last").decimalValue().toPlainString()).isEqualTo(lastTradePrices.get(symbol));
        }
        BigDecimal low = ticker.get("low").decimalValue();
        BigDecimal high = ticker.get("high").decimalValue();
        assertThat(ticker.get("last").decimalValue()).isBetween(low, high);
        tickers++;
    }
}
