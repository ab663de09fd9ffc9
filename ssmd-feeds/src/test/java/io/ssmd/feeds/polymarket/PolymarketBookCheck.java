package io.ssmd.feeds.polymarket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The logic of exchanges/tools/polymarket_book_check.py, in Java and stricter: rebuilds each asset's book from
 * {@code book} and {@code price_change} events (an entry SETS the level's absolute size; "0" removes it) and checks,
 * after every entry, the entry's {@code best_bid}/{@code best_ask} against the rebuilt book. Also checks what a
 * synthetic stream promises: books never crossed or empty, levels on the tick and inside (0, 1), sizes positive,
 * best level last in snapshots, trades at or inside the spread, tick changes from the tick in force, and the binary
 * mirror (first outcome's best bid = 1 − second's best ask) for markets whose two tokens are both followed.
 */
public final class PolymarketBookCheck {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final BigDecimal ONE = BigDecimal.ONE;

    private record Book(TreeMap<BigDecimal, BigDecimal> bids, TreeMap<BigDecimal, BigDecimal> asks) {}

    private final Map<String, Book> books = new HashMap<>();
    private final Map<String, BigDecimal> ticks = new HashMap<>();
    private final Map<String, Set<String>> assetsByMarket = new HashMap<>();
    private final Map<String, Integer> counts = new TreeMap<>();
    private final List<String> problems = new ArrayList<>();
    private int frames;
    private int entriesChecked;

    /** Feeds one frame (an event or an array of events). */
    public void accept(String frame) {
        frames++;
        JsonNode node;
        try {
            node = JSON.readTree(frame);
        } catch (IOException e) {
            throw new UncheckedIOException("frame " + frames + " is not JSON: " + frame, e);
        }
        for (JsonNode event : node.isArray() ? node : List.of(node)) {
            String type = event.path("event_type").asText();
            counts.merge(type, 1, Integer::sum);
            switch (type) {
                case "book" -> book(event);
                case "price_change" -> priceChange(event);
                case "last_trade_price" -> trade(event);
                case "tick_size_change" -> tickChange(event);
                default -> problem("unexpected event " + event);
            }
        }
    }

    public List<String> problems() {
        return problems;
    }

    /** Events seen, by {@code event_type}. */
    public Map<String, Integer> counts() {
        return counts;
    }

    public int entriesChecked() {
        return entriesChecked;
    }

    private void book(JsonNode event) {
        String asset = event.get("asset_id").asText();
        assetsByMarket
                .computeIfAbsent(event.get("market").asText(), m -> new LinkedHashSet<>())
                .add(asset);
        BigDecimal tick = new BigDecimal(event.get("tick_size").asText());
        ticks.put(asset, tick);
        Book book = new Book(levels(event.get("bids"), true, tick), levels(event.get("asks"), false, tick));
        books.put(asset, book);
        checkBook(asset, book);
    }

    /** Reads a side, checking that prices run worst to best (bids up, asks down): the best level is last. */
    private TreeMap<BigDecimal, BigDecimal> levels(JsonNode side, boolean bids, BigDecimal tick) {
        TreeMap<BigDecimal, BigDecimal> levels = new TreeMap<>();
        BigDecimal previous = null;
        for (JsonNode level : side) {
            BigDecimal price = new BigDecimal(level.get("price").asText());
            BigDecimal size = new BigDecimal(level.get("size").asText());
            if (previous != null && (bids ? price.compareTo(previous) <= 0 : price.compareTo(previous) >= 0)) {
                problem("snapshot side out of order at " + price + " after " + previous);
            }
            previous = price;
            checkLevel(price, size, tick, false);
            levels.put(price, size);
        }
        return levels;
    }

    private void priceChange(JsonNode event) {
        for (JsonNode change : event.get("price_changes")) {
            String asset = change.get("asset_id").asText();
            Book book = books.get(asset);
            if (book == null) {
                problem("price_change before any book for " + asset);
                continue;
            }
            BigDecimal price = new BigDecimal(change.get("price").asText());
            BigDecimal size = new BigDecimal(change.get("size").asText());
            checkLevel(price, size, ticks.get(asset), true);
            TreeMap<BigDecimal, BigDecimal> side =
                    change.get("side").asText().equals("BUY") ? book.bids() : book.asks();
            if (size.signum() == 0) {
                if (side.remove(price) == null) {
                    problem("removed a level that was not there: " + change);
                }
            } else {
                side.put(price, size);
            }
            entriesChecked++;
            checkBook(asset, book);
            if (!book.bids().isEmpty()
                    && !book.asks().isEmpty()
                    && (new BigDecimal(change.get("best_bid").asText())
                                            .compareTo(book.bids().lastKey())
                                    != 0
                            || new BigDecimal(change.get("best_ask").asText())
                                            .compareTo(book.asks().firstKey())
                                    != 0)) {
                problem("best_bid/best_ask " + change.get("best_bid") + "/" + change.get("best_ask")
                        + " but the book says " + book.bids().lastKey() + "/"
                        + book.asks().firstKey());
            }
        }
        checkMirror(event.get("market").asText());
    }

    private void trade(JsonNode event) {
        Book book = books.get(event.get("asset_id").asText());
        BigDecimal price = new BigDecimal(event.get("price").asText());
        if (new BigDecimal(event.get("size").asText()).signum() <= 0) {
            problem("trade without size: " + event);
        }
        if (book != null
                && (price.compareTo(book.bids().lastKey()) < 0
                        || price.compareTo(book.asks().firstKey()) > 0)) {
            problem("trade at " + price + " outside the spread " + book.bids().lastKey() + "/"
                    + book.asks().firstKey());
        }
    }

    private void tickChange(JsonNode event) {
        String asset = event.get("asset_id").asText();
        BigDecimal old = new BigDecimal(event.get("old_tick_size").asText());
        if (ticks.containsKey(asset) && ticks.get(asset).compareTo(old) != 0) {
            problem("tick_size_change from " + old + " but the tick was " + ticks.get(asset));
        }
        ticks.put(asset, new BigDecimal(event.get("new_tick_size").asText()));
    }

    private void checkLevel(BigDecimal price, BigDecimal size, BigDecimal tick, boolean deleteAllowed) {
        if (price.signum() <= 0 || price.compareTo(ONE) >= 0) {
            problem("price outside (0, 1): " + price);
        }
        if (tick != null && price.remainder(tick).signum() != 0) {
            problem("price " + price + " off the tick " + tick);
        }
        if (size.signum() < 0 || (size.signum() == 0 && !deleteAllowed)) {
            problem("bad size " + size + " at " + price);
        }
    }

    private void checkBook(String asset, Book book) {
        if (book.bids().isEmpty() || book.asks().isEmpty()) {
            problem("an empty side in " + asset);
        } else if (book.bids().lastKey().compareTo(book.asks().firstKey()) >= 0) {
            problem("crossed book " + book.bids().lastKey() + "/" + book.asks().firstKey() + " in " + asset);
        }
    }

    private void checkMirror(String market) {
        List<Book> pair = assetsByMarket.getOrDefault(market, Set.of()).stream()
                .map(books::get)
                .toList();
        if (pair.size() == 2
                && ONE.subtract(pair.get(0).bids().lastKey())
                                .compareTo(pair.get(1).asks().firstKey())
                        != 0) {
            problem("mirror broken in " + market + ": best bid "
                    + pair.get(0).bids().lastKey() + " vs second outcome's best ask "
                    + pair.get(1).asks().firstKey());
        }
    }

    private void problem(String what) {
        if (problems.size() < 20) {
            problems.add("frame " + frames + ": " + what);
        }
    }
}
