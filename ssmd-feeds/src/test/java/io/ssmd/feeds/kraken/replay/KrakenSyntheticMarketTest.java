package io.ssmd.feeds.kraken.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ssmd.feeds.kraken.ClientBook;
import io.ssmd.feeds.kraken.KrakenProtocol;
import io.ssmd.feeds.kraken.KrakenTestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The synthetic market on its own: number text, books that stay valid at every depth, determinism, the Python tool. */
class KrakenSyntheticMarketTest {

    private static final long NOW = 1_790_000_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void decimalsAreWrittenWithAllTheirDigits() {
        assertThat(KrakenInstrument.decimal(628070, 1)).isEqualTo("62807.0");
        assertThat(KrakenInstrument.decimal(0, 8)).isEqualTo("0.00000000");
        assertThat(KrakenInstrument.decimal(100_000, 8)).isEqualTo("0.00100000");
        assertThat(KrakenInstrument.decimal(99_980, 5)).isEqualTo("0.99980");
        assertThat(KrakenInstrument.decimal(-5, 5)).isEqualTo("-0.00005");
        assertThat(KrakenInstrument.decimal(1, 2)).isEqualTo("0.01");
        assertThat(KrakenInstrument.decimal(27_063_827_750_461_281L, 8)).isEqualTo("270638277.50461281");
    }

    @Test
    void syntheticInstrumentsStartWithTheDefaultsAndAreDistinct() {
        List<String> many = KrakenReplayServer.syntheticInstruments(2_000);
        assertThat(many).startsWith(KrakenReplayServer.defaultInstruments().toArray(String[]::new));
        assertThat(many).doesNotHaveDuplicates().allMatch(KrakenProtocol::wellFormed);
        assertThat(many.get(8)).isEqualTo("SAAA/USD");
        assertThat(KrakenReplayServer.syntheticInstruments(3)).containsExactly("BTC/USD", "ETH/USD", "SOL/USD");
        assertThat(KrakenReplayServer.syntheticInstruments(2_000)).isEqualTo(many);
    }

    @Test
    void booksStayValidAndChecksummedAtEveryDepth() {
        KrakenSyntheticMarket market = new KrakenSyntheticMarket(7);
        Map<String, Integer> depths =
                Map.of("BTC/USD", 10, "DOGE/USD", 25, "USDT/USD", 100, "SAAB/USD", 500, "LTC/USD", 1000);
        Map<String, ClientBook> books = new HashMap<>();
        depths.forEach((symbol, depth) -> {
            books.put(symbol, new ClientBook(depth));
            verify(market.bookSnapshot(symbol, depth, NOW), true, books);
        });
        List<String> symbols = new ArrayList<>(depths.keySet());
        for (int i = 0; i < 1_000; i++) {
            String symbol = symbols.get(i % symbols.size());
            verify(market.bookUpdate(List.of(symbol), NOW, false), false, books);
            KrakenSyntheticMarket.Traded traded = market.trades(List.of(symbol), s -> true, NOW, false);
            verify(traded.bookFrame(), false, books);
        }
        books.forEach((symbol, book) -> assertThat(book.levels()).as(symbol).isEqualTo(depths.get(symbol)));
    }

    private static void verify(String frame, boolean snapshot, Map<String, ClientBook> books) {
        for (ClientBook.Entry entry : ClientBook.entries(frame)) {
            ClientBook book = books.get(entry.symbol());
            assertThat(book.apply(entry, snapshot)).as(frame).isEqualTo(entry.checksum());
            book.assertValid(entry.symbol());
        }
    }

    @Test
    void theSameSeedGivesTheSameFrames() {
        assertThat(run(42)).isEqualTo(run(42)).isNotEqualTo(run(43));
    }

    private static List<String> run(long seed) {
        KrakenSyntheticMarket market = new KrakenSyntheticMarket(seed);
        List<String> frames = new ArrayList<>();
        frames.add(market.bookSnapshot("BTC/USD", 10, NOW));
        frames.add(market.tradeSnapshot("ETH/USD", NOW));
        for (int i = 0; i < 300; i++) {
            frames.add(market.bookUpdate(List.of("BTC/USD", "ETH/USD"), NOW + i, false));
            KrakenSyntheticMarket.Traded traded = market.trades(List.of("ETH/USD"), s -> true, NOW + i, false);
            frames.add(traded.tradeFrame());
            frames.add(traded.bookFrame());
            frames.add(market.ticker(List.of("BTC/USD", "ETH/USD"), false, NOW + i));
        }
        return frames.stream().map(KrakenTestServer::withoutTimes).toList();
    }

    /** exchanges/tools/kraken_checksum.py, the reference implementation, checks a stream of synthetic frames. */
    @Test
    void thePythonReferenceToolAcceptsEverySyntheticChecksum() throws Exception {
        Path tool =
                Path.of(System.getProperty("ssmd.shared.dir", "../../shared"), "exchanges/tools/kraken_checksum.py");
        assumeTrue(Files.exists(tool), "the shared exchanges folder is not here: " + tool);
        assumeTrue(pythonAvailable(), "python3 is not installed");
        KrakenSyntheticMarket market = new KrakenSyntheticMarket(11);
        List<String> lines = new ArrayList<>();
        // The tool learns each book's depth from the subscribe acks, as a client would.
        lines.add(KrakenFrames.ack("subscribe", null, "book", 10, null, true, "BTC/USD", "t", "t"));
        lines.add(KrakenFrames.ack("subscribe", null, "book", 25, null, true, "XRP/USD", "t", "t"));
        lines.add(market.bookSnapshot("BTC/USD", 10, NOW));
        lines.add(market.bookSnapshot("XRP/USD", 25, NOW));
        for (int i = 0; i < 2_000; i++) {
            lines.add(
                    i % 7 == 0
                            ? market.bookUpdate(List.of("XRP/USD", "BTC/USD"), NOW, false)
                            : market.bookUpdate(List.of(i % 2 == 0 ? "BTC/USD" : "XRP/USD"), NOW, false));
        }
        Path file = dir.resolve("synthetic.jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);
        Process python = new ProcessBuilder("python3", tool.toString(), file.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).contains("checked=" + (2 + 2_000 + 2_000 / 7 + 1) + " mismatches=0");
        assertThat(python.exitValue()).isZero();
    }

    private static boolean pythonAvailable() {
        try {
            return new ProcessBuilder("python3", "--version").start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
