package io.ssmd.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class GapsRouteTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final RecentGaps.ArchiveGap BUS_GAP = new RecentGaps.ArchiveGap(
            "kraken",
            "DEMO_KRAKEN",
            "bus_gap",
            101L,
            140L,
            1_763_700_000_000_000L,
            1_763_700_002_500_000L,
            null,
            null,
            null,
            "0745.jsonl.gz");
    private static final RecentGaps.ArchiveGap OUTAGE = new RecentGaps.ArchiveGap(
            "kalshi",
            "DEMO_KALSHI",
            "connection_lost",
            7L,
            8L,
            1_763_699_000_000_000L,
            1_763_699_004_000_000L,
            "kalshi-2",
            "watchdog: silent 30 s",
            List.of("KXBTCD-26FEB1217-T99999.99"),
            "0730.jsonl.gz");

    /** The gap log as the node hands it over: newest first, and a record of every limit it was asked for. */
    private final List<Integer> asked = new ArrayList<>();

    private final RecentGaps archive = limit -> {
        asked.add(limit);
        List<RecentGaps.ArchiveGap> all = List.of(BUS_GAP, OUTAGE);
        return CompletableFuture.completedFuture(all.subList(0, Math.min(limit, all.size())));
    };

    @AfterAll
    static void stop() {
        TESTKIT.shutdownTestKit();
    }

    @Test
    void listsTheArchivesGapsWithEveryRecordedField() throws Exception {
        try (RouteServer server = RouteServer.bind(TESTKIT, new GapsRoute(Optional.of(archive)).route())) {
            HttpResponse<String> response = server.get("/v1/gaps?limit=5");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            JsonNode gaps = JSON.readTree(response.body()).path("gaps");
            assertThat(gaps).hasSize(2);
            JsonNode bus = gaps.get(0);
            assertThat(bus.path("feed").asText()).isEqualTo("kraken");
            assertThat(bus.path("stream").asText()).isEqualTo("DEMO_KRAKEN");
            assertThat(bus.path("type").asText()).isEqualTo("bus_gap");
            assertThat(bus.path("fromSeq").asLong()).isEqualTo(101);
            assertThat(bus.path("toSeq").asLong()).isEqualTo(140);
            assertThat(bus.path("start").asLong()).isEqualTo(1_763_700_000_000_000L);
            assertThat(bus.path("shard").isNull()).isTrue();
            assertThat(bus.path("instruments")).isEmpty();
            JsonNode outage = gaps.get(1);
            assertThat(outage.path("shard").asText()).isEqualTo("kalshi-2");
            assertThat(outage.path("reason").asText()).isEqualTo("watchdog: silent 30 s");
            assertThat(outage.path("instruments").get(0).asText()).isEqualTo("KXBTCD-26FEB1217-T99999.99");
            assertThat(outage.path("file").asText()).isEqualTo("0730.jsonl.gz");
            assertThat(asked).containsExactly(5);
        }
    }

    @Test
    void theLimitDefaultsToFiftyAndIsPassedOn() throws Exception {
        try (RouteServer server = RouteServer.bind(TESTKIT, new GapsRoute(Optional.of(archive)).route())) {
            assertThat(JSON.readTree(server.get("/v1/gaps?limit=1").body()).path("gaps"))
                    .hasSize(1);
            assertThat(server.get("/v1/gaps").statusCode()).isEqualTo(200);
            assertThat(asked).containsExactly(1, GapsRoute.DEFAULT_LIMIT);
        }
    }

    @Test
    void aLimitOutOfRangeOrNotANumberIsRefusedWithTheReason() throws Exception {
        try (RouteServer server = RouteServer.bind(TESTKIT, new GapsRoute(Optional.of(archive)).route())) {
            for (String limit : List.of("0", "-3", "1001", "ten", "")) {
                HttpResponse<String> response = server.get("/v1/gaps?limit=" + limit);
                assertThat(response.statusCode()).as("limit=%s", limit).isEqualTo(400);
                assertThat(JSON.readTree(response.body()).path("error").asText())
                        .contains("limit must be a whole number from 1 to 1000")
                        .contains("'" + limit + "'");
            }
            assertThat(asked).isEmpty();
        }
    }

    @Test
    void aNodeWithoutAnArchiverSaysSoInsteadOfListingNoGaps() throws Exception {
        try (RouteServer server = RouteServer.bind(TESTKIT, new GapsRoute(Optional.empty()).route())) {
            HttpResponse<String> response = server.get("/v1/gaps");

            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(response.body()).path("error").asText()).contains("runs no archiver");
        }
    }

    @Test
    void aFailingGapLogAnswersAServerError() throws Exception {
        RecentGaps broken = limit -> CompletableFuture.failedFuture(new java.io.IOException("manifest unreadable"));
        try (RouteServer server = RouteServer.bind(TESTKIT, new GapsRoute(Optional.of(broken)).route())) {
            assertThat(server.get("/v1/gaps").statusCode()).isEqualTo(500);
        }
    }
}
