package io.ssmd.feeds.kraken;

import static io.ssmd.feeds.kraken.KrakenTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmd.core.shard.ConnectTarget;
import io.ssmd.feeds.kraken.replay.KrakenRequest;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the connector sends, compared with Kraken's documented requests and with what the replay server accepts. */
class KrakenFeedTest {

    private static final List<String> BTC_ETH = List.of("BTC/USD", "ETH/USD");

    @Test
    void connectsToTheConfiguredEndpointWithoutHeaders() {
        KrakenFeed feed = KrakenFeed.create(KrakenFeedFixture.shipped());
        assertThat(feed.venue()).isEqualTo("kraken");
        assertThat(feed.target()).isEqualTo(new ConnectTarget(URI.create("wss://ws.kraken.com/v2"), Map.of()));
    }

    @Test
    void theBookSubscribeOfOneSymbolIsTheDocumentedRequestByteForByte() throws IOException {
        KrakenFeed feed = KrakenFeed.create(KrakenFeedFixture.settings(10, List.of("BTC/USD")));
        // exchanges/kraken/messages.jsonl line 10: the request built from docs.kraken.com's book parameters.
        assertThat(feed.subscribe(List.of("BTC/USD")).get(0))
                .isEqualTo(KrakenChecksumTest.sampleLines().get(9));
    }

    @Test
    void oneSubscribePerConfiguredChannelInOrderEachNamingEveryInstrumentWithASnapshot() {
        KrakenFeed feed = KrakenFeed.create(KrakenFeedFixture.settings(25, BTC_ETH));
        assertThat(feed.subscribe(BTC_ETH))
                .containsExactly(
                        "{\"method\":\"subscribe\",\"params\":{\"channel\":\"book\",\"symbol\":[\"BTC/USD\",\"ETH/USD\"],"
                                + "\"depth\":25,\"snapshot\":true},\"req_id\":1}",
                        "{\"method\":\"subscribe\",\"params\":{\"channel\":\"trade\",\"symbol\":[\"BTC/USD\",\"ETH/USD\"],"
                                + "\"snapshot\":true},\"req_id\":2}",
                        "{\"method\":\"subscribe\",\"params\":{\"channel\":\"ticker\",\"symbol\":[\"BTC/USD\",\"ETH/USD\"],"
                                + "\"snapshot\":true},\"req_id\":3}");
    }

    @Test
    void onlyTheConfiguredChannelsAreSubscribedAndNoInstrumentsMeansNoRequest() {
        KrakenFeed feed = KrakenFeed.create(KrakenSettings.create(KrakenFeedFixture.feed(
                URI.create("wss://ws.kraken.com/v2"), List.of("ticker", "trade"), Optional.empty(), BTC_ETH)));
        assertThat(feed.subscribe(BTC_ETH))
                .extracting(f -> json(f).at("/params/channel").asText())
                .containsExactly("ticker", "trade");
        assertThat(feed.subscribe(List.of())).isEmpty();
    }

    @Test
    void everyRequestReadsAsValidOnTheReplayServer() {
        KrakenFeed feed = KrakenFeed.create(KrakenFeedFixture.settings(100, BTC_ETH));
        for (String frame : feed.subscribe(BTC_ETH)) {
            JsonNode request = json(frame);
            KrakenRequest read = KrakenRequest.read("subscribe", request.get("params"));
            assertThat(read.error()).as(frame).isNull();
            assertThat(read.symbols()).containsExactlyElementsOf(BTC_ETH);
            assertThat(read.snapshot()).isTrue();
            if (read.channel().equals("book")) {
                assertThat(read.depth()).isEqualTo(100);
            }
        }
        JsonNode unsubscribe = json(KrakenProtocol.unsubscribeBook(List.of("BTC/USD"), 100, 4));
        KrakenRequest read = KrakenRequest.read("unsubscribe", unsubscribe.get("params"));
        assertThat(read.error()).isNull();
        assertThat(read.depth()).isEqualTo(100);
    }

    @Test
    void theKeepaliveIsKrakensAppLevelPingAndSymbolsAreJsonEscaped() {
        KrakenFeed feed = KrakenFeed.create(KrakenFeedFixture.shipped());
        // The documented ping (messages.jsonl line 14) without its optional req_id.
        assertThat(feed.keepalive()).contains("{\"method\":\"ping\"}");
        assertThat(feed.subscribe(List.of("A\"B/USD")).get(0)).contains("\"symbol\":[\"A\\\"B/USD\"]");
    }

    @Test
    void eachConnectionGetsItsOwnDecoder() {
        KrakenFeed feed = KrakenFeed.create(KrakenFeedFixture.shipped());
        assertThat(feed.decoder(KrakenFeedFixture.context(BTC_ETH)))
                .isInstanceOf(KrakenDecoder.class)
                .isNotSameAs(feed.decoder(KrakenFeedFixture.context(BTC_ETH)));
    }
}
