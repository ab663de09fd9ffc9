package io.ssmd.feeds.kraken;

import static io.ssmd.feeds.kraken.KrakenFeedFixture.bytes;
import static io.ssmd.feeds.kraken.KrakenFeedFixture.subject;
import static io.ssmd.feeds.kraken.KrakenFeedFixture.system;
import static io.ssmd.feeds.kraken.KrakenFeedFixture.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.Decoded.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Routing of multi-symbol frames, frames the decoder does not understand, and refused subscriptions. */
class KrakenDecoderTest {

    private static final List<String> SYMBOLS = List.of("BTC/USD", "ETH/USD", "SOL/USD");

    private static final String BTC_TICKER = "{\"symbol\":\"BTC/USD\",\"bid\":62807.0,\"bid_qty\":0.00000000,"
            + "\"ask\":62807.1,\"ask_qty\":1.00000,\"last\":62807.0,\"change_pct\":0.01}";
    private static final String ETH_TICKER = "{\"symbol\":\"ETH/USD\",\"bid\":2501.10,\"bid_qty\":5.1e-05,"
            + "\"ask\":2501.20,\"ask_qty\":0.10000000,\"last\":2501.10,\"change_pct\":-0.50}";

    private final KrakenDecoder decoder = KrakenFeedFixture.decoder(SYMBOLS);

    @Test
    void everyEntryOfAMultiSymbolFrameIsRoutedAsTheEnvelopeWithThatEntryAloneNumbersUntouched() {
        String frame = "{\"channel\":\"ticker\",\"type\":\"update\",\"data\":[" + BTC_TICKER + ", " + ETH_TICKER + "]}";
        Decoded decoded = decoder.decode(bytes(frame));
        assertThat(decoded.kind()).isEqualTo(Kind.DATA);
        assertThat(decoded.type()).isEqualTo("ticker");
        assertThat(decoded.messages())
                .extracting(Decoded.Routed::subject)
                .containsExactly(subject("ticker", "BTC/USD"), subject("ticker", "ETH/USD"));
        assertThat(decoded.messages()).extracting(Decoded.Routed::element).containsExactly(0, 1);
        assertThat(text(decoded.messages().get(0)))
                .isEqualTo("{\"channel\":\"ticker\",\"type\":\"update\",\"data\":[" + BTC_TICKER + "]}");
        assertThat(text(decoded.messages().get(1)))
                .isEqualTo("{\"channel\":\"ticker\",\"type\":\"update\",\"data\":[" + ETH_TICKER + "]}");
        assertThat(subject("ticker", "BTC/USD")).isEqualTo("test.kraken.json.ticker.BTC-USD");
    }

    @Test
    void aBatchOfTradesOfOneSymbolIsOneMessagePerTrade() {
        String trade = "{\"symbol\":\"SOL/USD\",\"side\":\"buy\",\"price\":141.25,\"qty\":0.50000000,"
                + "\"ord_type\":\"market\",\"trade_id\":%d,\"timestamp\":\"2026-11-20T14:15:00.000001Z\"}";
        String frame = "{\"channel\":\"trade\",\"type\":\"update\",\"data\":[" + trade.formatted(7) + ","
                + trade.formatted(8) + "," + trade.formatted(9) + "]}";
        Decoded decoded = decoder.decode(bytes(frame));
        assertThat(decoded.type()).isEqualTo("trade");
        assertThat(decoded.messages()).hasSize(3).allSatisfy(m -> {
            assertThat(m.subject()).isEqualTo(subject("trade", "SOL/USD"));
            assertThat(text(m))
                    .startsWith("{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\"")
                    .endsWith("}]}")
                    .contains("\"qty\":0.50000000");
        });
        assertThat(text(decoded.messages().get(2))).contains("\"trade_id\":9").doesNotContain("\"trade_id\":8");
    }

    @Test
    void aSymbolOutsideTheShardStillGetsASafeSubject() {
        Decoded decoded = decoder.decode(bytes("{\"channel\":\"ticker\",\"type\":\"snapshot\",\"data\":["
                + "{\"symbol\":\"EUR.X/USD\",\"bid\":1.1}]}"));
        assertThat(decoded.messages())
                .extracting(Decoded.Routed::subject)
                .containsExactly("test.kraken.json.ticker.EUR_X-USD");
    }

    @Test
    void garbageAndFramesOfNoKnownShapeAreUnparsedWithAReason() {
        List<String> frames = List.of(
                "",
                "not json",
                "[1,2]",
                "\"text\"",
                "42",
                "{",
                "{\"channel\":\"ticker\"}{}",
                "{\"channel\":5}",
                "{\"channel\":\"ohlc\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\"}]}",
                "{\"channel\":\"ticker\",\"type\":\"update\",\"data\":[]}",
                "{\"channel\":\"trade\",\"type\":\"update\"}",
                "{\"channel\":\"ticker\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\"},{\"bid\":1}]}",
                "{\"channel\":\"book\",\"type\":\"delta\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":[],\"asks\":[]}]}",
                "{\"ssmd_fault\":\"oversized\",\"padding\":\"xxxx\"}",
                "{\"success\":{\"channel\":\"heartbeat\"}}",
                "{\"method\":\"subscribe\",\"params\":{\"channel\":\"book\",\"symbol\":[\"BTC/USD\"]}}");
        for (String frame : frames) {
            Decoded decoded = decoder.decode(bytes(frame));
            assertThat(decoded.kind()).as(frame).isEqualTo(Kind.UNPARSED);
            assertThat(decoded.type()).isEqualTo("unparsed");
            assertThat(decoded.reason()).as(frame).isNotBlank();
            assertThat(decoded.messages()).isEmpty();
        }
    }

    @Test
    void heartbeatPongStatusAndAcksAreTheirOwnKinds() {
        assertThat(decoder.decode(bytes("{\"channel\":\"heartbeat\"}")).kind()).isEqualTo(Kind.HEARTBEAT);
        assertThat(decoder.decode(bytes("{\"method\":\"pong\",\"time_in\":\"t\",\"time_out\":\"t\"}"))
                        .kind())
                .isEqualTo(Kind.PONG);
        Decoded ack = decoder.decode(bytes("{\"method\":\"unsubscribe\",\"req_id\":4,\"result\":{\"channel\":\"book\","
                + "\"depth\":10,\"symbol\":\"BTC/USD\"},\"success\":true,\"time_in\":\"t\",\"time_out\":\"t\"}"));
        assertThat(ack.kind()).isEqualTo(Kind.SYSTEM);
        assertThat(ack.type()).isEqualTo("unsubscribe");
        assertThat(ack.messages()).extracting(Decoded.Routed::subject).containsExactly(system());
        Decoded malformed = decoder.decode(
                bytes("{\"error\":\"Malformed request\",\"success\":false," + "\"time_in\":\"t\",\"time_out\":\"t\"}"));
        assertThat(malformed.kind()).isEqualTo(Kind.SYSTEM);
        assertThat(malformed.type()).isEqualTo("error");
        assertThat(malformed.rejections()).isEmpty();
    }

    @Test
    void aRefusedSymbolIsReportedWithKrakensReasonAndTheAnswerIsStillPublished() {
        String refusal = "{\"error\":\"Currency pair not supported ETH/USD\",\"method\":\"subscribe\",\"req_id\":3,"
                + "\"success\":false,\"symbol\":\"ETH/USD\",\"time_in\":\"t\",\"time_out\":\"t\"}";
        Decoded decoded = decoder.decode(bytes(refusal));
        assertThat(decoded.kind()).isEqualTo(Kind.SYSTEM);
        assertThat(decoded.type()).isEqualTo("error");
        assertThat(decoded.messages()).singleElement().satisfies(m -> {
            assertThat(m.subject()).isEqualTo(system());
            assertThat(text(m)).isEqualTo(refusal);
        });
        assertThat(decoded.rejections())
                .containsExactly(new Decoded.Rejection("ETH/USD", "Currency pair not supported ETH/USD"));
    }

    @Test
    void aWholeRequestRefusalNamesEveryInstrumentOfThatChannelsRequest() {
        Decoded decoded = decoder.decode(bytes("{\"error\":\"Subscription depth not supported\",\"method\":"
                + "\"subscribe\",\"req_id\":1,\"success\":false,\"time_in\":\"t\",\"time_out\":\"t\"}"));
        assertThat(decoded.rejections())
                .extracting(Decoded.Rejection::instrument)
                .containsExactlyElementsOf(SYMBOLS);
        assertThat(decoded.rejections())
                .allSatisfy(r -> assertThat(r.reason())
                        .isEqualTo("Subscription depth not supported (whole book subscription refused)"));
    }

    @Test
    void refusalsOfOtherMethodsAreNoRejections() {
        Decoded decoded = decoder.decode(bytes("{\"error\":\"Subscription Not Found\",\"method\":\"unsubscribe\","
                + "\"req_id\":4,\"success\":false,\"symbol\":\"BTC/USD\",\"time_in\":\"t\",\"time_out\":\"t\"}"));
        assertThat(decoded.kind()).isEqualTo(Kind.SYSTEM);
        assertThat(decoded.rejections()).isEmpty();
    }
}
