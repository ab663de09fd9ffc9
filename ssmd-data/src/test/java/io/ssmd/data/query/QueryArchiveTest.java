package io.ssmd.data.query;

import static io.ssmd.archive.QueryTestArchive.DAY0;
import static io.ssmd.archive.QueryTestArchive.MINUTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.ssmd.archive.ArchiveSelection;
import io.ssmd.archive.FileEntry;
import io.ssmd.archive.QueryTestArchive;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.subject.Subjects;
import io.ssmd.core.testkit.NatsServerExtension;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code ssmd data query}'s views over an archive the real archiver wrote from real Kalshi frames, gzip and zstd: the
 * rows are the manifests' records, {@code data} stays JSON, only committed files are read, a reopened file reads
 * whole, the documented examples return the numbers the frames hold, exported Parquet reads with its DECIMALs.
 */
class QueryArchiveTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    static final ActorTestKit KIT = ActorTestKit.create();

    static final ObjectMapper JSON = new ObjectMapper();

    static final LocalDate DAY = LocalDate.of(2026, 1, 1);

    @TempDir
    Path root;

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    /** One message as published: receive time, manifest type, frame. */
    record Published(long ts, String type, JsonNode frame) {}

    /** The Kalshi sample, a trade in integer cents and one in a dollar string, and a connection_lost gap. */
    private final class KalshiDay {
        final String env = NatsServerExtension.freshName("q").toLowerCase();
        final List<Published> published = new ArrayList<>();
        final QueryTestArchive archive;

        KalshiDay(StorageSettings.Format format) throws IOException {
            Connection nats = NATS.connect();
            archive = QueryTestArchive.create(nats, root, env, "kalshi", format);
            List<String> frames = sample();
            // The sample's frames ten seconds apart from midnight: minutes 0 to 4.
            for (int i = 0; i < frames.size(); i++) {
                frame(DAY0 + i * 10_000_000L, frames.get(i));
            }
            // Kalshi moved from integer cents to dollar strings: the same field as a number, then as a string.
            frame(DAY0 + 5 * MINUTE, trade("\"yes_price\":56"));
            frame(DAY0 + 5 * MINUTE + 1, trade("\"yes_price\":\"0.5600\""));
            // An outage of kalshi-0 from 00:06 to 00:07, then three trades in the minute after it.
            archive.publishControl(
                    env, ControlEvent.of("connected", "kalshi", "kalshi-0", 1, DAY0 + 2 * MINUTE, "", List.of()));
            archive.publishControl(
                    env,
                    ControlEvent.of(
                            "disconnected", "kalshi", "kalshi-0", 1, DAY0 + 6 * MINUTE, "socket closed", List.of()));
            archive.publishControl(
                    env, ControlEvent.of("connected", "kalshi", "kalshi-0", 2, DAY0 + 7 * MINUTE, "", List.of()));
            for (int i = 1; i <= 3; i++) {
                frame(DAY0 + 7 * MINUTE + i * 10_000_000L, frames.get(10 + i));
            }
            // The shard says it stops, so that no open gap is derived for it (its last sign of life is long past).
            archive.publishControl(
                    env,
                    ControlEvent.of(
                            "disconnected",
                            "kalshi",
                            "kalshi-0",
                            2,
                            DAY0 + 7 * MINUTE + 50_000_000L,
                            "end",
                            List.of()));
        }

        private void frame(long ts, String frame) throws IOException {
            JsonNode node = JSON.readTree(frame);
            String kind = node.get("type").asText();
            String type = kind.equals("market_lifecycle_v2") ? "lifecycle" : kind;
            String token = Subjects.token(node.get("msg").get("market_ticker").asText());
            String subject = env + ".kalshi.crypto.json." + type + "." + token;
            archive.publish(
                    subject, "kalshi-0:1:" + published.size() + ":0", ts, frame.getBytes(StandardCharsets.UTF_8));
            published.add(new Published(ts, type, node));
        }

        ArchiveSelection selection() throws IOException {
            return ArchiveSelection.select(root, Optional.of(env), "kalshi", DAY, DAY);
        }

        QuerySession session() throws Exception {
            return QuerySession.open(List.of(selection()), root.resolve("exports"));
        }
    }

    private static List<String> sample() throws IOException {
        try (InputStream in = QueryArchiveTest.class.getResourceAsStream("/query/kalshi-frames.jsonl")) {
            return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
                    .filter(l -> !l.isBlank())
                    .toList();
        }
    }

    /** A real trade frame of the sample with its price field replaced by {@code price}. */
    private static String trade(String price) throws IOException {
        String real = sample().get(10);
        assertThat(real).contains("\"yes_price\":77");
        return real.replace("\"yes_price\":77", price).replace("f851595a", "0000feed");
    }

    @ParameterizedTest
    @EnumSource(StorageSettings.Format.class)
    void rawHoldsEveryCommittedRecordByType(StorageSettings.Format format) throws Exception {
        KalshiDay day = new KalshiDay(format);
        day.archive.archive(KIT.system());

        ArchiveSelection selection = day.selection();
        Map<String, Long> byType = new TreeMap<>();
        selection.days().stream()
                .flatMap(d -> d.manifest().files().stream())
                .map(FileEntry::recordsByType)
                .forEach(m -> m.forEach((t, n) -> byType.merge(t, n, Long::sum)));
        assertThat(selection.records()).isEqualTo(day.archive.published());
        assertThat(selection.files()).hasSizeGreaterThan(3);
        try (QuerySession session = day.session()) {
            assertThat(longs(session, "SELECT count(*) FROM raw")).containsExactly(selection.records());
            assertThat(longs(session, "SELECT count(*) FROM raw_kalshi")).containsExactly(selection.records());
            Map<String, Long> queried = new TreeMap<>();
            session.run("SELECT type, count(*) FROM raw GROUP BY type", rs -> {
                while (rs.next()) {
                    queried.put(rs.getString(1), rs.getLong(2));
                }
                return null;
            });
            assertThat(queried).isEqualTo(byType).containsEntry("control", 4L);
            // Every line's fields, the subject split as ParsedSubject reads it.
            assertThat(rows(
                            session,
                            "SELECT ts, time::VARCHAR, seq, env, feed, category, type, instrument, event, id,"
                                    + " file LIKE '%.jsonl" + (format == StorageSettings.Format.GZIP ? ".gz" : ".zst")
                                    + "' FROM raw WHERE seq IN (1, 31) ORDER BY seq"))
                    .containsExactly(
                            List.of(
                                    String.valueOf(DAY0),
                                    "2026-01-01 00:00:00",
                                    "1",
                                    day.env,
                                    "kalshi",
                                    "crypto",
                                    "ticker",
                                    "KXXRP-26FEB1317-B1_3899500",
                                    "null",
                                    "kalshi-0:1:0:0",
                                    "true"),
                            List.of(
                                    String.valueOf(DAY0 + 6 * MINUTE),
                                    "2026-01-01 00:06:00",
                                    "31",
                                    day.env,
                                    "kalshi",
                                    "null",
                                    "control",
                                    "null",
                                    "disconnected",
                                    "kalshi-0:disconnected:" + (DAY0 + 6 * MINUTE),
                                    "true"));
        }
    }

    @Test
    void dataStaysJsonSoAPriceInCentsAndOneInDollarsBothRead() throws Exception {
        KalshiDay day = new KalshiDay(StorageSettings.Format.GZIP);
        day.archive.archive(KIT.system());
        try (QuerySession session = day.session()) {
            assertThat(rows(session, "SELECT column_type FROM (DESCRIBE raw) WHERE column_name = 'data'"))
                    .containsExactly(List.of("JSON"));
            assertThat(rows(
                            session,
                            "SELECT data->'msg'->'yes_price', json_type(data->'msg'->'yes_price'),"
                                    + " data->'msg'->>'yes_price' FROM raw WHERE data->'msg'->>'trade_id' LIKE"
                                    + " '0000feed%' ORDER BY seq"))
                    .containsExactly(List.of("56", "UBIGINT", "56"), List.of("\"0.5600\"", "VARCHAR", "0.5600"));
            // The frame comes back as the archive holds it.
            String frame =
                    rows(session, "SELECT data FROM raw WHERE seq = 2").get(0).get(0);
            assertThat(JSON.readTree(frame)).isEqualTo(day.published.get(1).frame());
        }
    }

    @Test
    void aFileOnDiskThatNoManifestListsIsNotRead() throws Exception {
        KalshiDay day = new KalshiDay(StorageSettings.Format.GZIP);
        day.archive.archive(KIT.system());
        Path dateDir = day.archive.streamDir().resolve(DAY.toString());
        Path committed = day.selection().files().get(0);
        // A copy under a window name the manifest does not list, and a leftover .tmp of an interrupted write.
        Files.copy(committed, dateDir.resolve("2359.jsonl.gz"));
        Files.copy(committed, dateDir.resolve("0030.jsonl.gz.tmp"));

        try (QuerySession session = day.session()) {
            assertThat(longs(session, "SELECT count(*) FROM raw")).containsExactly(day.archive.published());
            assertThat(longs(session, "SELECT count(*) FROM raw WHERE file LIKE '%2359%' OR file LIKE '%.tmp'"))
                    .containsExactly(0L);
        }
    }

    @ParameterizedTest
    @EnumSource(StorageSettings.Format.class)
    void aReopenedFileOfTwoMembersReadsWhole(StorageSettings.Format format) throws Exception {
        String env = NatsServerExtension.freshName("r").toLowerCase();
        String subject = env + ".kalshi.crypto.json.trade.T";
        QueryTestArchive archive = QueryTestArchive.create(NATS.connect(), root, env, "kalshi", format);
        byte[] frame = sample().get(10).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 5; i++) {
            archive.publish(subject, "a:" + i, DAY0 + i, frame);
        }
        archive.archive(KIT.system());
        Path file = ArchiveSelection.select(root, Optional.empty(), "kalshi", DAY, DAY)
                .files()
                .get(0);
        byte[] first = Files.readAllBytes(file);
        // The same window again: the committed file is reopened, a second member (frame) appended.
        for (int i = 5; i < 12; i++) {
            archive.publish(subject, "a:" + i, DAY0 + i, frame);
        }
        archive.archive(KIT.system());

        ArchiveSelection selection = ArchiveSelection.select(root, Optional.empty(), "kalshi", DAY, DAY);
        assertThat(selection.files()).containsExactly(file);
        byte[] both = Files.readAllBytes(file);
        assertThat(both.length).isGreaterThan(first.length);
        assertThat(Arrays.copyOf(both, first.length)).isEqualTo(first);
        try (QuerySession session = QuerySession.open(List.of(selection), null)) {
            assertThat(longs(session, "SELECT count(*) FROM raw")).containsExactly(12L);
            assertThat(longs(session, "SELECT max(seq) FROM raw")).containsExactly(12L);
        }
    }

    @Test
    void theDocumentedExamplesReturnWhatTheFramesHold() throws Exception {
        KalshiDay day = new KalshiDay(StorageSettings.Format.ZSTD);
        day.archive.archive(KIT.system());
        try (QuerySession session = day.session()) {
            // Trades per minute: counted from what was published.
            Map<String, Long> perMinute = new TreeMap<>();
            day.published.stream()
                    .filter(p -> p.type().equals("trade"))
                    .forEach(p -> perMinute.merge(
                            String.format("2026-01-01 00:%02d:00", (p.ts() - DAY0) / MINUTE), 1L, Long::sum));
            List<List<String>> trades = rows(session, QueryExamples.TRADES_PER_MINUTE);
            assertThat(trades).extracting(r -> r.get(0)).containsExactlyElementsOf(perMinute.keySet());
            assertThat(trades).extracting(r -> Long.parseLong(r.get(1))).containsExactlyElementsOf(perMinute.values());
            // Minute 1 holds sample lines 7 to 12: trades 11 and 12 (77 and 57 cents, 75 and 90 contracts).
            assertThat(trades.get(0)).containsExactly("2026-01-01 00:01:00", "2", "165.00");

            // Spread: from the dollar strings, exact.
            List<List<String>> spreads = rows(session, QueryExamples.SPREAD_OVER_A_DAY);
            assertThat(spreads)
                    .filteredOn(r -> r.get(0).equals("KXETHD-26FEB1217-T1819_99"))
                    .containsExactly(List.of("KXETHD-26FEB1217-T1819_99", "1", "0.0200", "0.0200", "0.0200"));
            assertThat(spreads)
                    .filteredOn(r -> r.get(0).equals("KXBTC15M-26JUL191145-45"))
                    .containsExactly(List.of("KXBTC15M-26JUL191145-45", "1", "1.0000", "1.0000", "1.0000"));
            long tickers = day.published.stream()
                    .filter(p ->
                            p.type().equals("ticker") && p.frame().get("msg").hasNonNull("yes_bid_dollars"))
                    .count();
            assertThat(spreads).extracting(r -> Long.parseLong(r.get(1))).containsOnly(1L);
            assertThat((long) spreads.size()).isEqualTo(tickers);

            // Gaps with volume: the outage 00:06-00:07, two trades in the minute before (the 00:05 pair), three after.
            assertThat(rows(session, QueryExamples.GAPS_WITH_VOLUME))
                    .containsExactly(List.of(
                            "connection_lost",
                            "kalshi-0",
                            "2026-01-01 00:06:00",
                            "2026-01-01 00:07:00",
                            "socket closed",
                            "2",
                            "3"));
        }
    }

    @Test
    void exportedParquetWithDecimalsIsAView() throws Exception {
        Path exports = root.resolve("exports");
        Path trades = exports.resolve("kraken/2026-01-01/trade.parquet");
        Path tickers = exports.resolve("kraken/2026-01-02/ticker.parquet");
        Files.createDirectories(trades.getParent());
        Files.createDirectories(tickers.getParent());
        try (QuerySession writer = QuerySession.open(List.of(), null)) {
            writer.run(
                    "COPY (SELECT * FROM (VALUES ('BTC/USD', 97000.1::DECIMAL(38,18), 0.00000001::DECIMAL(38,18),"
                            + " make_timestamp(" + DAY0 + ")), ('BTC/USD', 97000.2::DECIMAL(38,18),"
                            + " 1.5::DECIMAL(38,18), make_timestamp(" + (DAY0 + 1) + "))) t(symbol, price, size, ts))"
                            + " TO '" + trades + "' (FORMAT parquet)",
                    rs -> null);
            writer.run(
                    "COPY (SELECT 'ETH/USD' AS symbol, 'kraken' AS feed, 3000.5::DECIMAL(18,8) AS bid) TO '" + tickers
                            + "' (FORMAT parquet)",
                    rs -> null);
        }

        try (QuerySession session = QuerySession.open(List.of(), exports)) {
            assertThat(session.views())
                    .extracting(QuerySession.View::name)
                    .containsExactly("raw", "gaps", "tickers", "trades");
            assertThat(rows(session, "SELECT column_type FROM (DESCRIBE trades) WHERE column_name = 'price'"))
                    .containsExactly(List.of("DECIMAL(38,18)"));
            session.run("SELECT sum(price), sum(size), min(feed), count(*) FROM trades", rs -> {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBigDecimal(1)).isEqualByComparingTo(new BigDecimal("194000.3"));
                assertThat(rs.getBigDecimal(2)).isEqualByComparingTo(new BigDecimal("1.50000001"));
                assertThat(rs.getString(3)).isEqualTo("kraken");
                assertThat(rs.getLong(4)).isEqualTo(2);
                return null;
            });
            assertThat(rows(session, "SELECT symbol, feed, bid FROM tickers"))
                    .containsExactly(List.of("ETH/USD", "kraken", "3000.50000000"));
        }
    }

    @Test
    void nothingIsLoadedOrInstalledAtRunTime() throws Exception {
        KalshiDay day = new KalshiDay(StorageSettings.Format.ZSTD);
        day.archive.archive(KIT.system());
        try (QuerySession session = day.session()) {
            assertThat(rows(
                            session,
                            "SELECT current_setting('autoinstall_known_extensions'),"
                                    + " current_setting('autoload_known_extensions')"))
                    .containsExactly(List.of("false", "false"));
            assertThat(longs(session, "SELECT count(*) FROM raw")).containsExactly(day.archive.published());
            // json and parquet are built in; httpfs is not, and is neither fetched nor loaded for an s3:// path.
            assertThat(rows(
                            session,
                            "SELECT extension_name FROM duckdb_extensions() WHERE loaded AND extension_name IN"
                                    + " ('json', 'parquet', 'httpfs') ORDER BY 1"))
                    .containsExactly(List.of("json"), List.of("parquet"));
            assertThatThrownBy(() -> session.run("SELECT * FROM read_parquet('s3://bucket/x.parquet')", rs -> null))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("httpfs");
        }
    }

    private static List<Long> longs(QuerySession session, String sql) throws Exception {
        return rows(session, sql).stream().map(r -> Long.parseLong(r.get(0))).toList();
    }

    /** Every row as the text the command prints of each value ("null" for NULL). */
    private static List<List<String>> rows(QuerySession session, String sql) throws Exception {
        return session.run(sql, QueryArchiveTest::text);
    }

    private static List<List<String>> text(ResultSet rs) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
            List<String> row = new ArrayList<>();
            for (int c = 1; c <= n; c++) {
                row.add(String.valueOf(QueryOutput.text(rs, c)));
            }
            rows.add(row);
        }
        return rows;
    }
}
