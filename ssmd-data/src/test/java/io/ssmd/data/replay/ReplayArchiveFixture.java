package io.ssmd.data.replay;

import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.archive.ArchiveSelection;
import io.ssmd.archive.ArchiverMetrics;
import io.ssmd.archive.ArchiverSettings;
import io.ssmd.archive.ManifestStore;
import io.ssmd.archive.StreamArchiver;
import io.ssmd.core.config.ArchiveSource;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.nats.PublishHeaders;
import io.ssmd.core.subject.Subjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * An archive written by the real archiver from a real nats-server (DESIGN §12): Kraken spot frames of the venue
 * sample (status, a book snapshot, a ticker, trades) and BTC/USD trades in Kraken's shape, a control event and an ssmd
 * book snapshot, published as a connector publishes them (Nats-Msg-Id, Ssmd-Received-At, Ssmd-Shard) over two days
 * and several one-minute files, then archived into gzip or zstd files with their manifests.
 */
public final class ReplayArchiveFixture {

    public static final String ENV = "prod";
    public static final String FEED = "kraken";
    public static final String SHARD = "kraken-0";
    /** 2026-01-01T00:00:00Z in µs. */
    public static final long DAY0 = 1_767_225_600_000_000L;

    public static final long DAY = 86_400_000_000L;
    public static final LocalDate FIRST = LocalDate.of(2026, 1, 1);
    public static final LocalDate SECOND = FIRST.plusDays(1);
    static final long EPOCH = DAY0 - 1_000_000;

    /** One message as it was published. */
    public record Published(String subject, String id, long ts, byte[] data) {

        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    public final Path root;
    public final List<Published> published;

    private ReplayArchiveFixture(Path root, List<Published> published) {
        this.root = root;
        this.published = List.copyOf(published);
    }

    /** The sample's lines, by line number from 1. */
    static String sample(int line) {
        // Read as a stream: the fixture also runs from this module's test jar (ssmd-app's CLI tests).
        try (var in = ReplayArchiveFixture.class.getResourceAsStream("/kraken/messages.jsonl")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")[line - 1];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Kraken v2 trade frame of {@code symbol}, as the venue sends one. */
    static String trade(String symbol, long id, String price) {
        return "{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":\"" + symbol
                + "\",\"side\":\"buy\",\"price\":" + price + ",\"qty\":0.00120000,\"ord_type\":\"limit\","
                + "\"trade_id\":" + id + ",\"timestamp\":\"2026-01-01T00:00:00.000000Z\"}]}";
    }

    /** The messages in publish (= stream) order. */
    static List<Published> messages() {
        List<Published> out = new ArrayList<>();
        long[] frame = {0};
        out.add(published(Subjects.system(ENV, FEED, SHARD), DAY0, sample(1), frame));
        ControlEvent connected =
                ControlEvent.connected(FEED, SHARD, EPOCH, DAY0 + 1_000, List.of("BTC/USD"), null, "t");
        out.add(new Published(
                Subjects.control(ENV, FEED, ControlEvent.CONNECTED, SHARD),
                "control:" + SHARD + ":" + EPOCH + ":connected",
                DAY0 + 1_000,
                connected.toJson()));
        out.add(published(Subjects.marketData(ENV, FEED, "orderbook", "BTC-USD"), DAY0 + 2_000, sample(11), frame));
        out.add(published(Subjects.marketData(ENV, FEED, "ticker", "USDT-USD"), DAY0 + 3_000, sample(8), frame));
        for (int i = 0; i < 150; i++) {
            long ts = DAY0 + 1_000_000L * (i + 1);
            out.add(published(
                    Subjects.marketData(ENV, FEED, "trade", "BTC-USD"),
                    ts,
                    trade("BTC/USD", 1000 + i, "45284." + (i % 10)),
                    frame));
            if (i == 10) {
                out.add(new Published(
                        Subjects.book(ENV, FEED, "BTC-USD"),
                        SHARD + ":" + EPOCH + ":book:3:BTC/USD",
                        ts + 1,
                        "{\"feed\":\"kraken\",\"instrument\":\"BTC/USD\",\"seq\":3,\"bids\":[],\"asks\":[]}"
                                .getBytes(StandardCharsets.UTF_8)));
            }
            if (i == 70) {
                out.add(published(Subjects.marketData(ENV, FEED, "trade", "MATIC-USD"), ts + 2, sample(13), frame));
            }
        }
        for (int i = 0; i < 20; i++) {
            out.add(published(
                    Subjects.marketData(ENV, FEED, "trade", "BTC-USD"),
                    DAY0 + DAY + 500_000L * i,
                    trade("BTC/USD", 2000 + i, "45290.0"),
                    frame));
        }
        return out;
    }

    private static Published published(String subject, long ts, String frame, long[] counter) {
        counter[0]++;
        return new Published(
                subject, SHARD + ":" + EPOCH + ":" + counter[0] + ":0", ts, frame.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Publishes {@link #messages()} to a fresh stream on {@code nats} and archives it with the real archiver into
     * {@code root} in {@code format}.
     */
    public static ReplayArchiveFixture archive(
            ActorSystem<?> system, Connection nats, Path root, StorageSettings.Format format) throws Exception {
        String stream = Subjects.streamName(ENV, FEED);
        nats.jetStreamManagement()
                .addStream(StreamConfiguration.builder()
                        .name(stream)
                        .subjects(Subjects.streamSubjects(ENV, FEED))
                        .storageType(StorageType.File)
                        .build());
        List<Published> messages = messages();
        JetStream js = nats.jetStream();
        List<CompletableFuture<?>> acks = new ArrayList<>();
        for (Published m : messages) {
            Headers headers = new Headers()
                    .add(PublishHeaders.MSG_ID, m.id())
                    .add(PublishHeaders.RECEIVED_AT, Long.toString(m.ts()))
                    .add(PublishHeaders.SHARD, SHARD);
            acks.add(js.publishAsync(NatsMessage.builder()
                    .subject(m.subject())
                    .headers(headers)
                    .data(m.data())
                    .build()));
        }
        acks.forEach(CompletableFuture::join);
        ArchiverMetrics metrics = ArchiverMetrics.create(new PrometheusRegistry());
        StreamArchiver archiver = StreamArchiver.start(
                system,
                nats,
                ENV,
                new ArchiveSource(stream, FEED),
                new StorageSettings(root, format, Duration.ofMinutes(1)),
                new ManifestStore(),
                ArchiverSettings.create(ConfigFactory.load()),
                metrics.stream(stream),
                Optional.empty(),
                file -> {});
        await().atMost(Duration.ofSeconds(60))
                .until(() -> metrics.stream(stream).messages().get() >= messages.size());
        archiver.stop().toCompletableFuture().join();
        nats.jetStreamManagement().deleteStream(stream);
        return new ReplayArchiveFixture(root, messages);
    }

    /** Both days of the archive. */
    public ArchiveSelection selection() throws IOException {
        return ArchiveSelection.select(root, Optional.of(ENV), FEED, FIRST, SECOND);
    }
}
