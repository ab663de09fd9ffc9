package io.ssmd.feeds.kalshi.replay;

import static io.ssmd.feeds.kalshi.KalshiTestServer.WAIT;
import static io.ssmd.feeds.kalshi.KalshiTestServer.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.feeds.kalshi.KalshiTestServer;
import io.ssmd.feeds.replay.WsTestClient;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The synthetic market as a client rebuilds it: books valid after every delta, trades inside the spread, tickers
 * that agree with the book, seqs continuous; the same frames for the same seed; the instrument lists.
 */
class KalshiSyntheticMarketTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();
    private static final int FRAMES = 10_000;

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    /** A client's book of one market: YES bids and NO bids, ten-thousandths of a dollar → hundredths. */
    private static final class Book {
        final NavigableMap<Integer, Long> yes = new TreeMap<>();
        final NavigableMap<Integer, Long> no = new TreeMap<>();

        NavigableMap<Integer, Long> side(String side) {
            return side.equals("yes") ? yes : no;
        }

        int best(NavigableMap<Integer, Long> side) {
            return side.isEmpty() ? 0 : side.lastKey();
        }

        long bestSize(NavigableMap<Integer, Long> side) {
            return side.isEmpty() ? 0 : side.lastEntry().getValue();
        }
    }

    @Test
    void tenThousandFramesRebuildIntoValidBooksWithContinuousSeqs() throws Exception {
        Map<String, Book> books = new HashMap<>();
        Map<Integer, Long> lastSeq = new HashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 0, 7);
                WsTestClient client = server.connect()) {
            client.send(KalshiReplayServer.subscribeMessages(KalshiReplayServer.defaultInstruments())
                    .get(0));
            for (int i = 0; i < 4; i++) {
                assertThat(client.next(WAIT)).startsWith("{\"type\":\"subscribed\"");
            }
            for (int i = 0; i < FRAMES; i++) {
                JsonNode frame = parse(client.next(WAIT));
                String type = frame.get("type").asText();
                counts.merge(type, 1, Integer::sum);
                if (frame.has("seq")) {
                    long seq = frame.get("seq").asLong();
                    Long previous = lastSeq.put(frame.get("sid").asInt(), seq);
                    assertThat(seq).as("seq of %s", frame).isEqualTo(previous == null ? 1 : previous + 1);
                }
                JsonNode msg = frame.get("msg");
                String ticker = msg.get("market_ticker").asText();
                switch (type) {
                    case "orderbook_snapshot" -> books.put(ticker, snapshot(msg));
                    case "orderbook_delta" -> delta(books.get(ticker), msg);
                    case "ticker" -> ticker(books.get(ticker), msg);
                    case "trade" -> trade(books.get(ticker), msg);
                    case "market_lifecycle_v2" ->
                        assertThat(msg.get("close_ts").asLong()).isPositive();
                    default -> throw new AssertionError("unexpected frame " + frame);
                }
            }
        }
        assertThat(books).hasSize(KalshiReplayServer.defaultInstruments().size());
        assertThat(counts.get("orderbook_delta")).isGreaterThan(FRAMES / 2);
        assertThat(counts.get("trade")).isGreaterThan(FRAMES / 20);
        assertThat(counts.get("ticker")).isGreaterThan(FRAMES / 20);
        assertThat(counts.get("market_lifecycle_v2")).isPositive();
    }

    private static Book snapshot(JsonNode msg) {
        Book book = new Book();
        for (String side : List.of("yes", "no")) {
            int previous = 0;
            for (JsonNode level : msg.get(side + "_dollars_fp")) {
                int price = price(level.get(0).asText());
                long size = count(level.get(1).asText());
                assertThat(price).as("ascending, best last").isGreaterThan(previous);
                assertThat(size).isPositive();
                book.side(side).put(price, size);
                previous = price;
            }
        }
        assertValid(book);
        return book;
    }

    private static void delta(Book book, JsonNode msg) {
        assertThat(book).as("delta before snapshot").isNotNull();
        int price = price(msg.get("price_dollars").asText());
        long delta = count(msg.get("delta_fp").asText());
        assertThat(delta).isNotZero();
        NavigableMap<Integer, Long> side = book.side(msg.get("side").asText());
        long size = side.getOrDefault(price, 0L) + delta;
        assertThat(size).as("size at %d after %s", price, msg).isNotNegative();
        if (size == 0) {
            side.remove(price);
        } else {
            side.put(price, size);
        }
        assertValid(book);
    }

    private static void ticker(Book book, JsonNode msg) {
        assertThat(price(msg.get("yes_bid_dollars").asText())).isEqualTo(book.best(book.yes));
        assertThat(price(msg.get("yes_ask_dollars").asText())).isEqualTo(10_000 - book.best(book.no));
        assertThat(count(msg.get("yes_bid_size_fp").asText())).isEqualTo(book.bestSize(book.yes));
        assertThat(count(msg.get("yes_ask_size_fp").asText())).isEqualTo(book.bestSize(book.no));
    }

    private static void trade(Book book, JsonNode msg) {
        int yes = price(msg.get("yes_price_dollars").asText());
        assertThat(yes + price(msg.get("no_price_dollars").asText())).isEqualTo(10_000);
        // The book already shows the liquidity the trade took, so the print is inside (or at) the spread.
        assertThat(yes).isBetween(book.best(book.yes), 10_000 - book.best(book.no));
        assertThat(count(msg.get("count_fp").asText())).isPositive();
        assertThat(msg.get("taker_book_side").asText())
                .isEqualTo(msg.get("taker_outcome_side").asText().equals("yes") ? "bid" : "ask");
    }

    private static void assertValid(Book book) {
        assertThat(book.yes).isNotEmpty();
        assertThat(book.no).isNotEmpty();
        assertThat(book.best(book.yes) + book.best(book.no))
                .as("YES bid + NO bid under $1")
                .isLessThan(10_000);
        for (NavigableMap<Integer, Long> side : List.of(book.yes, book.no)) {
            assertThat(side.firstKey()).isPositive();
            assertThat(side.keySet()).allSatisfy(p -> assertThat(p % 10).isZero());
            assertThat(side.values()).allSatisfy(s -> assertThat(s).isPositive());
        }
    }

    @Test
    void theSameSeedGivesTheSameFramesAndAnotherSeedOthers() throws Exception {
        List<String> first = firstFrames(42);
        assertThat(first).hasSize(2000);
        assertThat(firstFrames(42)).isEqualTo(first);
        assertThat(firstFrames(43)).isNotEqualTo(first);
    }

    /** The first frames of a server's first session, timestamps taken out. */
    private static List<String> firstFrames(long seed) throws Exception {
        List<String> frames = new ArrayList<>();
        try (KalshiTestServer server = KalshiTestServer.synthetic(TESTKIT.system(), 0, seed);
                WsTestClient client = server.connect()) {
            client.send(KalshiReplayServer.subscribeMessages(KalshiReplayServer.defaultInstruments())
                    .get(0));
            for (int i = 0; i < 2000; i++) {
                frames.add(client.next(WAIT).replaceAll("\"ts\":\"[^\"]*\"|\"ts\":\\d+|\"ts_ms\":\\d+", "T"));
            }
        }
        return frames;
    }

    @Test
    void syntheticInstrumentsStartWithTheDefaultsAndAreKalshiShaped() {
        List<String> defaults = KalshiReplayServer.defaultInstruments();
        assertThat(KalshiReplayServer.syntheticInstruments(3)).isEqualTo(defaults.subList(0, 3));
        List<String> many = KalshiReplayServer.syntheticInstruments(1000);
        assertThat(many).hasSize(1000).doesNotHaveDuplicates().startsWith(defaults.toArray(String[]::new));
        assertThat(many).isEqualTo(KalshiReplayServer.syntheticInstruments(1000));
        assertThat(many).allSatisfy(t -> assertThat(t).matches("[A-Z0-9]+(-[A-Z0-9.]+)+"));
        assertThat(many).contains("KXETHD-26FEB1217-T1839.99");
        assertThat(many.stream().filter(t -> t.contains("."))).hasSizeGreaterThan(990);
    }

    @Test
    void subscribeMessagesNameEveryMarketDataChannelAndTicker() {
        List<String> tickers = KalshiReplayServer.syntheticInstruments(10);
        List<String> frames = KalshiReplayServer.subscribeMessages(tickers);
        assertThat(frames).hasSize(1);
        JsonNode command = parse(frames.get(0));
        assertThat(command.get("cmd").asText()).isEqualTo("subscribe");
        assertThat(command.at("/params/channels").toString())
                .isEqualTo("[\"orderbook_delta\",\"ticker\",\"trade\",\"market_lifecycle_v2\"]");
        List<String> named = new ArrayList<>();
        command.at("/params/market_tickers").forEach(t -> named.add(t.asText()));
        assertThat(named).isEqualTo(tickers);
        assertThat(KalshiReplayServer.subscribeMessages(List.of())).isEmpty();
    }

    private static int price(String text) {
        assertThat(text).matches("[01]\\.\\d{4}");
        return new BigDecimal(text).movePointRight(4).intValueExact();
    }

    private static long count(String text) {
        assertThat(text).matches("-?\\d+\\.\\d{2}");
        return new BigDecimal(text).movePointRight(2).longValueExact();
    }
}
