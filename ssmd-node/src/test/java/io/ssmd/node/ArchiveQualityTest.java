package io.ssmd.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.archive.ArchiveQuality;
import io.ssmd.archive.ArchiverMetrics;
import io.ssmd.archive.ArchiverSettings;
import io.ssmd.archive.DailyQuality;
import io.ssmd.archive.ManifestStore;
import io.ssmd.archive.QualityRecorder;
import io.ssmd.archive.QualitySettings;
import io.ssmd.archive.StreamArchiver;
import io.ssmd.core.config.ArchiveSource;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.QualityIssues;
import io.ssmd.core.meta.QualityScore;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.nats.PublishHeaders;
import io.ssmd.core.subject.Subjects;
import io.ssmd.core.subject.Venue;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.core.testkit.PostgresDatabase;
import io.ssmd.feeds.Venues;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archiver's quality issues and the daily score against PostgreSQL, with the real archiver, the real Kraken
 * Futures probe and frames cut from the recorded samples (exchanges/kraken-futures/messages.jsonl).
 */
class ArchiveQualityTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    @RegisterExtension
    static final PostgresDatabase PG = new PostgresDatabase();

    static final ActorTestKit KIT = ActorTestKit.create();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String FEED = "kraken-futures";
    static final String SHARD = "kraken-futures-0";
    static final Executor BLOCKING = Executors.newFixedThreadPool(2);

    static Database db;
    static QualityIssues issues;
    static String sampleTrade;
    static String sampleTicker;

    @TempDir
    Path root;

    @BeforeAll
    static void open() throws IOException {
        db = Database.open(PG.settings());
        issues = new QualityIssues(Metadata.of(db));
        List<String> lines;
        try (InputStream in = Objects.requireNonNull(
                ArchiveQualityTest.class.getResourceAsStream("/quality/kraken-futures-messages.jsonl"))) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .toList();
        }
        sampleTrade = lines.stream()
                .filter(l -> l.startsWith("{\"feed\":\"trade\",\"product_id\":\"PF_XBTUSD\""))
                .findFirst()
                .orElseThrow();
        sampleTicker = lines.stream()
                .filter(l -> l.startsWith("{\"feed\":\"ticker\",\"product_id\":\"PF_ETHUSD\""))
                .findFirst()
                .orElseThrow();
    }

    @AfterAll
    static void close() {
        KIT.shutdownTestKit();
        db.close();
    }

    /** The recorded trade with another uid, seq and venue time (ms). */
    static String trade(String uid, long seq, long timeMs) {
        return sampleTrade
                .replace("\"uid\":\"16dc1852-127b-40c9-acbb-5916ce98ee04\"", "\"uid\":\"" + uid + "\"")
                .replace("\"seq\":96905", "\"seq\":" + seq)
                .replace("\"time\":1770920339688", "\"time\":" + timeMs);
    }

    /** The recorded ticker of another product at another venue time (ms). */
    static String ticker(String product, long timeMs) {
        return sampleTicker
                .replace("\"product_id\":\"PF_ETHUSD\"", "\"product_id\":\"" + product + "\"")
                .replace("\"time\":1770920339237", "\"time\":" + timeMs);
    }

    @Test
    void injectedDuplicatesOutOfOrderMissingFieldsAndUnparsedFramesAreCountedWithTheirSamples() throws Exception {
        assertThat(sampleTrade).contains("\"seq\":96905", "\"time\":1770920339688");
        String env = NatsServerExtension.freshName("q").toLowerCase();
        Connection nats = NATS.connect();
        String stream = createStream(nats, env);
        String trades = Subjects.marketData(env, FEED, "trade", "PF_XBTUSD");
        long t = 1_770_920_339_688L;
        Publisher p = new Publisher(nats, t * 1000 + 50_000);
        p.publish(trades, trade("u1", 96905, t));
        p.publish(trades, trade("u2", 96906, t + 10));
        p.publish(trades, trade("u1", 96907, t + 20)); // the same trade id again
        p.publish(trades, trade("u3", 96903, t + 30)); // the venue seq goes back
        p.publish(trades, trade("u4", 96908, t + 5)); // the venue time goes back
        p.publish(trades, trade("u5", 96909, t + 40).replace(",\"price\":65368.0", "")); // no price
        p.publish(trades, trade("u7", 96910, t + 10_000)); // 10 s ahead of when it came
        p.publish(Subjects.unparsed(env, FEED, SHARD), "{\"feed\":\"trade\",\"product_id\":".getBytes());
        p.publish(
                Subjects.control(env, FEED, ControlEvent.RESYNC, SHARD),
                ControlEvent.of(ControlEvent.RESYNC, FEED, SHARD, 1, p.next, "seq gap", List.of("PF_XBTUSD"))
                        .toJson());
        p.publish(
                Subjects.control(env, FEED, ControlEvent.INSTRUMENT_QUIET, SHARD),
                ControlEvent.instrumentQuiet(FEED, SHARD, 1, p.next, "quiet", "PF_ETHUSD", "ticker", 120.0, true)
                        .toJson());
        p.publish(
                Subjects.marketData(env, FEED, "ticker", "PF_ETHUSD"),
                ticker("PF_ETHUSD", t + 60).getBytes());

        StreamArchiver archiver = start(nats, env, stream);
        LocalDate day = LocalDate.of(2026, 2, 12);
        await().atMost(Duration.ofSeconds(30)).until(() -> counts(day).size() == 7);
        archiver.stop().toCompletableFuture().join();

        assertThat(counts(day))
                .isEqualTo(Map.of(
                        "book_resync",
                        1L,
                        "clock_skew",
                        1L,
                        "duplicate",
                        1L,
                        "instrument_quiet",
                        1L,
                        "missing_field",
                        1L,
                        "out_of_order",
                        2L,
                        "parse_error",
                        1L));
        Map<String, QualityIssues.Issue> byType = new TreeMap<>();
        issues.issues(FEED, day).forEach(i -> byType.put(i.issueType(), i));
        assertThat(byType.get("duplicate").severity()).isEqualTo("warning");
        assertThat(byType.get("missing_field").severity()).isEqualTo("error");
        assertThat(byType.get("parse_error").severity()).isEqualTo("error");
        assertThat(byType.get("book_resync").severity()).isEqualTo("info");
        assertThat(byType.get("instrument_quiet").severity()).isEqualTo("warning");
        // Each sample is the first occurrence, as archived.
        JsonNode duplicate = JSON.readTree(byType.get("duplicate").sample());
        assertThat(duplicate.path("seq").asLong()).isEqualTo(3);
        assertThat(duplicate.path("reason").asText()).isEqualTo("trade id u1 seen before");
        assertThat(duplicate.path("message").path("data").path("seq").asLong()).isEqualTo(96907);
        JsonNode order = JSON.readTree(byType.get("out_of_order").sample());
        assertThat(order.path("seq").asLong()).isEqualTo(4);
        assertThat(order.path("reason").asText()).isEqualTo("venue seq 96903 after 96907 on PF_XBTUSD|trade");
        assertThat(JSON.readTree(byType.get("missing_field").sample())
                        .path("seq")
                        .asLong())
                .isEqualTo(6);
        JsonNode unparsed = JSON.readTree(byType.get("parse_error").sample());
        assertThat(unparsed.path("message").path("raw").asText()).isEqualTo("{\"feed\":\"trade\",\"product_id\":");
        assertThat(byType.get("duplicate").firstSeen()).isEqualTo(micros(t * 1000 + 50_000 + 2 * 1000));
        assertThat(issues.days(day, Optional.of(FEED)))
                .singleElement()
                .satisfies(row -> assertThat(row.status()).isEqualTo("processing"));

        // A second run on the same day adds its own segment's issues; nothing already committed is counted again.
        p.publish(trades, trade("u6", 96910, t + 70));
        p.publish(trades, trade("u6", 96911, t + 80));
        StreamArchiver again = start(nats, env, stream);
        await().atMost(Duration.ofSeconds(30)).until(() -> counts(day).get("duplicate") == 2L);
        again.stop().toCompletableFuture().join();
        assertThat(counts(day))
                .isEqualTo(Map.of(
                        "book_resync",
                        1L,
                        "clock_skew",
                        1L,
                        "duplicate",
                        2L,
                        "instrument_quiet",
                        1L,
                        "missing_field",
                        1L,
                        "out_of_order",
                        2L,
                        "parse_error",
                        1L));
        assertThat(JSON.readTree(issues.issues(FEED, day).stream()
                                .filter(i -> i.issueType().equals("duplicate"))
                                .findFirst()
                                .orElseThrow()
                                .sample())
                        .path("seq")
                        .asLong())
                .isEqualTo(3);
    }

    @Test
    void aCleanDayScoresOneAndADayWithAGapGetsTheCoverageItsTimesImply() throws Exception {
        String env = NatsServerExtension.freshName("s").toLowerCase();
        Connection nats = NATS.connect();
        String stream = createStream(nats, env);
        LocalDate clean = LocalDate.of(2026, 3, 1);
        LocalDate gappy = LocalDate.of(2026, 3, 2);
        // Two instruments, a ticker every 10 s each from 00:00:00 to 00:19:50 on the clean day.
        long cleanStart = clean.atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1_000_000L;
        Publisher p = new Publisher(nats, cleanStart);
        tickers(p, env, cleanStart, 0, 120, -1, -1);
        // The same on the next day, but the shard lost its connection from 00:05:00 to 00:08:00: nothing then.
        long gappyStart = gappy.atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1_000_000L;
        p.next = gappyStart;
        long since = gappyStart + 300_000_000L;
        long back = gappyStart + 480_000_000L;
        tickers(p, env, gappyStart, 0, 120, since, back);

        StreamArchiver archiver = start(nats, env, stream);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> records(env, stream, clean) == 240 && records(env, stream, gappy) == 205);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> issues.days(clean, Optional.of(FEED)).size() == 1
                        && issues.days(gappy, Optional.of(FEED)).size() == 1);
        archiver.stop().toCompletableFuture().join();

        DailyQuality.FeedDay cleanDay = DailyQuality.score(issues, FEED, clean, issues.days(clean, Optional.of(FEED)));
        assertThat(cleanDay.result().score()).isEqualByComparingTo(BigDecimal.ONE);
        assertThat(cleanDay.result().time()).isEqualTo(1.0);
        assertThat(cleanDay.result().instruments()).isEqualTo(1.0);
        assertThat(cleanDay.result().errors()).isEqualTo(1.0);
        assertThat(cleanDay.result().resyncs()).isEqualTo(1.0);
        assertThat(cleanDay.result().instrumentCount()).isEqualTo(2);
        assertThat(cleanDay.streams()).containsEntry(stream, true);

        DailyQuality.FeedDay gapDay = DailyQuality.score(issues, FEED, gappy, issues.days(gappy, Optional.of(FEED)));
        QualityScore.Result r = gapDay.result();
        // The span is 00:00:00 to 00:19:50 (1190 s), the gap 00:05:00 to 00:08:00 (180 s).
        assertThat(r.spanSeconds()).isEqualTo(1190);
        assertThat(r.gapSeconds()).isEqualTo(180);
        assertThat(r.time()).isCloseTo(1 - 180.0 / 1190, within(1e-12));
        // Minutes 5, 6 and 7 lie wholly in the gap: each instrument sent in every one of the other 17.
        assertThat(r.minutes()).isEqualTo(17);
        assertThat(r.instruments()).isEqualTo(1.0);
        assertThat(r.score()).isEqualByComparingTo("0.85");

        issues.storeScore(FEED, gappy, r.score(), JSON.writeValueAsString(r.components()));
        QualityIssues.InventoryDay stored =
                issues.days(gappy, Optional.of(FEED)).get(0);
        assertThat(stored.qualityScore()).hasValueSatisfying(s -> assertThat(s).isEqualByComparingTo("0.85"));
        assertThat(JSON.readTree(stored.qualityComponents().orElseThrow())
                        .path("gap_seconds")
                        .asLong())
                .isEqualTo(180);
    }

    /**
     * Tickers of PF_XBTUSD and PF_ETHUSD every 10 s from {@code start}, {@code n} each; none from {@code since} to
     * {@code back}, where a {@code connected} with {@code since} marks the outage.
     */
    private static void tickers(Publisher p, String env, long start, int from, int n, long since, long back) {
        boolean announced = false;
        for (int i = from; i < n; i++) {
            long ts = start + i * 10_000_000L;
            if (since >= 0 && ts >= since && ts < back) {
                continue;
            }
            if (since >= 0 && ts >= back && !announced) {
                p.next = back;
                p.publish(
                        Subjects.control(env, FEED, ControlEvent.CONNECTED, SHARD),
                        new ControlEvent(ControlEvent.CONNECTED, FEED, SHARD, 2, back, "", List.of(), since).toJson());
                announced = true;
            }
            for (String product : List.of("PF_XBTUSD", "PF_ETHUSD")) {
                p.next = ts;
                p.publish(
                        Subjects.marketData(env, FEED, "ticker", product),
                        ticker(product, ts / 1000).getBytes());
            }
        }
    }

    private static Map<String, Long> counts(LocalDate day) {
        Map<String, Long> counts = new TreeMap<>();
        issues.issues(FEED, day).forEach(i -> counts.put(i.issueType(), i.count()));
        return counts;
    }

    private long records(String env, String stream, LocalDate day) throws IOException {
        Path dir = root.resolve(env).resolve(FEED).resolve(stream).resolve(day.toString());
        return ManifestStore.read(dir).map(m -> m.records()).orElse(0L);
    }

    private StreamArchiver start(Connection nats, String env, String stream) {
        QualitySettings settings =
                QualitySettings.create(KIT.system().settings().config());
        ArchiveQuality quality = new ArchiveQuality(
                feed -> Venues.of(Venue.byId(feed).orElseThrow()).qualityProbe(),
                settings,
                new QualityRecorder(issues, settings, BLOCKING));
        return StreamArchiver.start(
                KIT.system(),
                nats,
                env,
                new ArchiveSource(stream, FEED),
                new StorageSettings(root, StorageSettings.Format.GZIP, Duration.ofMinutes(1)),
                new ManifestStore(),
                archiverSettings(),
                ArchiverMetrics.create(new PrometheusRegistry()).stream(stream),
                Optional.empty(),
                committed -> {},
                quality);
    }

    private static ArchiverSettings archiverSettings() {
        return new ArchiverSettings(
                500,
                Duration.ofMillis(200),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                Duration.ofMillis(200),
                Duration.ofMillis(100),
                Duration.ofMillis(500),
                Duration.ofMillis(100),
                Duration.ofMillis(500),
                Duration.ofMillis(200),
                Duration.ofSeconds(20),
                Duration.ofMinutes(5),
                128 * 1024,
                ArchiverSettings.IO_DISPATCHER);
    }

    private static String createStream(Connection nats, String env) throws IOException, JetStreamApiException {
        String stream = Subjects.streamName(env, FEED);
        nats.jetStreamManagement()
                .addStream(StreamConfiguration.builder()
                        .name(stream)
                        .subjects(Subjects.streamSubjects(env, FEED))
                        .storageType(StorageType.File)
                        .build());
        return stream;
    }

    private static Instant micros(long micros) {
        return Instant.EPOCH.plusNanos(micros * 1000);
    }

    /** Publishes as a connector does, one receive time per message 1 ms apart unless set; waits for each ack. */
    private static final class Publisher {
        private final Connection nats;
        private final List<String> ids = new ArrayList<>();
        long next;

        Publisher(Connection nats, long first) {
            this.nats = nats;
            this.next = first;
        }

        void publish(String subject, String data) {
            publish(subject, data.getBytes(StandardCharsets.UTF_8));
        }

        void publish(String subject, byte[] data) {
            String id = SHARD + ":1:" + (ids.size() + 1) + ":0";
            ids.add(id);
            Headers headers = new Headers()
                    .add(PublishHeaders.MSG_ID, id)
                    .add(PublishHeaders.RECEIVED_AT, Long.toString(next))
                    .add(PublishHeaders.SHARD, SHARD);
            try {
                nats.jetStream()
                        .publish(NatsMessage.builder()
                                .subject(subject)
                                .headers(headers)
                                .data(data)
                                .build());
            } catch (IOException | JetStreamApiException e) {
                throw new IllegalStateException(e);
            }
            next += 1000;
        }
    }
}
