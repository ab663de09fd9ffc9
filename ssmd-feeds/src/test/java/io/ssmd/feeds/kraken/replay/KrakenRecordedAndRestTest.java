package io.ssmd.feeds.kraken.replay;

import static io.ssmd.feeds.kraken.KrakenTestServer.WAIT;
import static io.ssmd.feeds.kraken.KrakenTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.feeds.kraken.KrakenChecksumTest;
import io.ssmd.feeds.kraken.KrakenTestServer;
import io.ssmd.feeds.replay.RecordedFrame;
import io.ssmd.feeds.replay.RecordedFrames;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.WsTestClient;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Recorded mode (the venue sample, an archive capture when there is one) and the AssetPairs endpoint. */
class KrakenRecordedAndRestTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    private static Path sampleFile() throws URISyntaxException {
        return Path.of(KrakenRecordedAndRestTest.class
                .getResource("/kraken/messages.jsonl")
                .toURI());
    }

    @Test
    void replaysTheSubscribedFramesVerbatimAndBookUpdatesOnlyAfterASnapshot() throws Exception {
        List<String> sample = KrakenChecksumTest.sampleLines();
        // The sample's lines carry no time: they go out at `rate` a second, round and round.
        ReplaySettings settings = KrakenTestServer.synthetic(2_000, 1).withRecording(sampleFile(), 1.0, true);
        try (KrakenTestServer server = KrakenTestServer.start(TESTKIT.system(), settings);
                WsTestClient client = server.connected()) {
            client.send("{\"method\":\"subscribe\",\"params\":{\"channel\":\"book\",\"symbol\":[\"BTC/USD\"]}}");
            client.send("{\"method\":\"subscribe\",\"params\":{\"channel\":\"trade\",\"symbol\":[\"MATIC/USD\"]}}");
            client.send("{\"method\":\"subscribe\",\"params\":{\"channel\":\"ticker\",\"symbol\":[\"USDT/USD\"]}}");
            List<String> got = new ArrayList<>();
            while (got.size() < 40) {
                String frame = client.next(WAIT);
                if (!frame.startsWith("{\"method\"")) {
                    got.add(frame);
                }
            }
            // Status, heartbeats, acks, pongs and requests of the recording are not resent, nor unsubscribed data.
            assertThat(got).isSubsetOf(sample.get(1), sample.get(7), sample.get(10), sample.get(12));
            assertThat(got).contains(sample.get(7), sample.get(10), sample.get(12), sample.get(1));
            // BTC/USD book updates start only after the client got a snapshot, as from Kraken.
            assertThat(got.indexOf(sample.get(1))).isGreaterThan(got.indexOf(sample.get(10)));
        }
    }

    @Test
    void theBadChecksumFaultOnARecordedUpdateChangesOnlyItsChecksum() throws Exception {
        String update = KrakenChecksumTest.sampleLines().get(1);
        String wrong = KrakenRecordedFilter.withWrongChecksum(update);
        assertThat(wrong).isEqualTo(update.replace("\"checksum\":4249465476", "\"checksum\":4249465477"));
    }

    /** The archive of an earlier system, when the shared exchanges folder has one for Kraken spot. */
    @Test
    void replaysAnArchiveCapture() throws Exception {
        Path archive = Path.of(
                System.getProperty("ssmd.shared.dir", "../../shared"), "exchanges/kraken/archive-capture.jsonl");
        assumeTrue(Files.exists(archive), "no Kraken spot archive capture at " + archive);
        String symbol = null;
        for (Iterator<RecordedFrame> it = RecordedFrames.read(archive).iterator(); it.hasNext() && symbol == null; ) {
            JsonNode frame = json(it.next().text());
            if (frame.path("channel").asText().equals("ticker")) {
                symbol = frame.get("data").get(0).get("symbol").asText();
            }
        }
        assumeTrue(symbol != null, "the archive capture has no ticker frame");
        ReplaySettings settings = KrakenTestServer.synthetic(0, 1).withRecording(archive, 0, true);
        try (KrakenTestServer server = KrakenTestServer.start(TESTKIT.system(), settings);
                WsTestClient client = server.connected()) {
            client.send(
                    "{\"method\":\"subscribe\",\"params\":{\"channel\":\"ticker\",\"symbol\":[\"" + symbol + "\"]}}");
            String ticker = client.nextMatching(f -> f.startsWith("{\"channel\":\"ticker\""), WAIT);
            assertThat(json(ticker).get("data").get(0).get("symbol").asText()).isEqualTo(symbol);
        }
    }

    @Test
    void assetPairsListsTheUniverseInKrakensShape() throws Exception {
        JsonNode real = json(Files.readString(
                Path.of(getClass().getResource("/kraken/rest-assetpairs.json").toURI())));
        JsonNode realEntry = real.get("result").get("XBTUSDT");
        try (KrakenTestServer server = KrakenTestServer.start(TESTKIT.system(), KrakenTestServer.synthetic(0, 1))) {
            JsonNode all = json(server.http("GET", "/0/public/AssetPairs", "").body());
            assertThat(all.get("error")).isEmpty();
            List<String> keys = new ArrayList<>();
            all.get("result").fieldNames().forEachRemaining(keys::add);
            assertThat(keys)
                    .hasSize(KrakenReplayServer.defaultInstruments().size())
                    .isSorted()
                    .contains("XXBTZUSD", "XETHZUSD", "XDGUSD");
            JsonNode btc = all.get("result").get("XXBTZUSD");
            assertThat(KrakenTestServer.keys(btc)).isEqualTo(KrakenTestServer.keys(realEntry));
            assertThat(btc.get("wsname").asText()).isEqualTo("XBT/USD");
            assertThat(btc.get("altname").asText()).isEqualTo("XBTUSD");
            assertThat(btc.get("tick_size").asText()).isEqualTo("0.1");
            assertThat(btc.get("fees")).isEqualTo(realEntry.get("fees"));
            assertThat(all.get("result").get("XDGUSD").get("pair_decimals").asInt())
                    .isEqualTo(7);
        }
    }

    @Test
    void assetPairsFiltersByAnyOfAPairsNamesAndRefusesUnknownOnes() throws Exception {
        try (KrakenTestServer server = KrakenTestServer.start(TESTKIT.system(), KrakenTestServer.synthetic(0, 1))) {
            JsonNode two = json(server.http("GET", "/0/public/AssetPairs?pair=XBTUSD,ETHUSD", "")
                    .body());
            List<String> keys = new ArrayList<>();
            two.get("result").fieldNames().forEachRemaining(keys::add);
            assertThat(keys).containsExactly("XETHZUSD", "XXBTZUSD");
            JsonNode byV2 = json(server.http("GET", "/0/public/AssetPairs?pair=BTC/USD,XDG/USD,ADAUSD", "")
                    .body());
            assertThat(byV2.get("result").size()).isEqualTo(3);
            var unknown = server.http("GET", "/0/public/AssetPairs?pair=XBTUSD,NOPEUSD", "");
            assertThat(unknown.statusCode()).isEqualTo(200);
            assertThat(unknown.body()).isEqualTo("{\"error\":[\"EQuery:Unknown asset pair\"]}");
        }
    }
}
