package io.ssmd.data.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.model.Normalizer;
import io.ssmd.core.subject.Venue;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.feeds.Venues;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --ws} and {@code --gateway}: bots written against Kraken's protocol and against the gateway's connect to a
 * replay of an archive the real archiver wrote (zstd) and receive what it holds.
 */
class ReplayWebSocketTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;

    private static ReplayArchiveFixture archive;

    @BeforeAll
    static void archive() throws Exception {
        archive = ReplayArchiveFixture.archive(KIT.system(), NATS.connect(), dir, StorageSettings.Format.ZSTD);
    }

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    @Test
    void aKrakenBotSubscribingAsToKrakenReceivesTheArchivedFramesOfItsSubscriptionAndNoSsmdMessage() throws Exception {
        List<String> expected = archive.published.stream()
                .filter(p -> p.subject().contains(".json.trade."))
                .map(ReplayArchiveFixture.Published::text)
                .toList();
        assertThat(expected).hasSize(171);
        try (VenueReplay server = VenueReplay.start(
                        KIT.system(),
                        Venues.of(Venue.KRAKEN),
                        dir,
                        "127.0.0.1",
                        0,
                        archive.selection(),
                        ReplayFilter.ALL,
                        Double.POSITIVE_INFINITY);
                BotClient bot = new BotClient(URI.create(server.url()))) {
            bot.send(
                    "{\"method\":\"subscribe\",\"params\":{\"channel\":\"trade\",\"symbol\":[\"BTC/USD\",\"MATIC/USD\"]}}");
            List<String> data = new ArrayList<>();
            List<String> all = new ArrayList<>();
            while (data.size() < expected.size()) {
                String frame = bot.next(WAIT);
                all.add(frame);
                if (frame.startsWith("{\"channel\":\"trade\"")) {
                    data.add(frame);
                }
            }
            assertThat(data).containsExactlyElementsOf(expected);
            assertThat(all)
                    .anySatisfy(f -> assertThat(f).contains("\"method\":\"subscribe\"", "\"success\":true"))
                    .noneSatisfy(f -> assertThat(f).contains("\"event\":\"connected\""))
                    .noneSatisfy(f -> assertThat(f).contains("\"instrument\":\"BTC/USD\",\"seq\""));
        }
    }

    @Test
    void theFramesForAVenueTargetLeaveOutControlEventsAndSsmdBookSnapshots() throws Exception {
        List<String> served = VenueReplay.frames(archive.selection(), ReplayFilter.ALL)
                .map(f -> f.text())
                .runWith(org.apache.pekko.stream.javadsl.Sink.seq(), KIT.system())
                .toCompletableFuture()
                .join();
        List<String> venueFrames = archive.published.stream()
                .filter(p -> !p.subject().contains(".control.") && !p.subject().contains(".ssmd.book."))
                .map(ReplayArchiveFixture.Published::text)
                .toList();
        assertThat(archive.published).hasSize(venueFrames.size() + 2);
        assertThat(served).containsExactlyElementsOf(venueFrames);
    }

    @Test
    void aGatewayClientReceivesNormalizedTradesAndTheBookFromTheArchive() throws Exception {
        Normalizer kraken = Venues.of(Venue.KRAKEN).normalizer();
        AtomicReference<ReplayResult> result = new AtomicReference<>();
        try (GatewayReplayTarget gateway = GatewayReplayTarget.start(
                        KIT.system(), "127.0.0.1", 0, "kraken", kraken, Set.of("BTC-USD", "MATIC-USD", "USDT-USD"));
                BotClient bot = new BotClient(URI.create("ws://127.0.0.1:" + gateway.port() + "/v1/stream"));
                ReplayMessages messages = ReplayMessages.open(archive.selection(), ReplayFilter.ALL)) {
            ReplayRun run = new ReplayRun(
                    new ReplayPacer(Double.POSITIVE_INFINITY, ReplayClock.SYSTEM),
                    ReplayClock.SYSTEM,
                    Optional.empty());
            CompletableFuture<Void> replaying = CompletableFuture.runAsync(() -> {
                try {
                    result.set(run.run(messages, gateway));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            bot.send("{\"action\":\"subscribe\",\"symbols\":[\"BTC/USD\"],\"feeds\":[\"kraken\"]}");
            List<JsonNode> trades = new ArrayList<>();
            List<JsonNode> books = new ArrayList<>();
            List<JsonNode> statuses = new ArrayList<>();
            while (trades.size() < 170) {
                JsonNode event = JSON.readTree(bot.next(WAIT));
                switch (event.path("type").asText()) {
                    case "trade" -> trades.add(event);
                    case "orderbook" -> books.add(event);
                    case "status" -> statuses.add(event);
                    default -> {}
                }
            }
            replaying.join();
            // Everything but the system frame and the ssmd book snapshot, which reach no gateway client.
            assertThat(result.get().sent()).isEqualTo(archive.published.size() - 2);
            assertThat(trades)
                    .allSatisfy(t -> assertThat(t.get("ticker").asText()).isEqualTo("BTC/USD"));
            assertThat(trades.get(0).get("price").asText()).isEqualTo("45284.0");
            assertThat(trades.get(169).get("price").asText()).isEqualTo("45290.0");
            assertThat(books).isNotEmpty();
            assertThat(books.get(0).get("bids").get(0).get(0).asText()).isEqualTo("45283.5");
            assertThat(statuses).isNotEmpty();
        }
    }
}
