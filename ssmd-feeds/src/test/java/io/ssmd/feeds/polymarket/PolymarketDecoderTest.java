package io.ssmd.feeds.polymarket;

import static io.ssmd.feeds.polymarket.PolymarketGoldenTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.Decoded.Kind;
import io.ssmd.core.shard.ShardContext;
import io.ssmd.feeds.polymarket.replay.PolymarketFrames;
import io.ssmd.feeds.polymarket.replay.PolymarketSyntheticMarket;
import io.ssmd.feeds.polymarket.replay.PolymarketUniverse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Frames, subjects, tolerance and refusals of the Polymarket decoder, beyond the samples. */
class PolymarketDecoderTest {

    static final String A = "111";
    static final String B = "222";
    static final String MARKET = "0xabc";

    static PolymarketDecoder decoder() {
        return PolymarketDecoder.create(
                ShardContext.of("prod", "polymarket", "polymarket-3", List.of(A, B)), false, Map.of());
    }

    static String subject(String type, String market) {
        return "prod.polymarket.json." + type + "." + market;
    }

    @Test
    void textPongIsAPongAndNeverParsed() {
        PolymarketDecoder decoder = decoder();
        assertThat(decoder.decode(bytes("PONG")).kind()).isEqualTo(Kind.PONG);
        assertThat(decoder.decode(bytes(" PONG\n")).kind()).isEqualTo(Kind.PONG);
        assertThat(decoder.decode(bytes("PONGS")).kind()).isEqualTo(Kind.UNPARSED);
        assertThat(decoder.decode(bytes("PING")).kind()).isEqualTo(Kind.UNPARSED);
    }

    @Test
    void anAssetRemovedLiveLeavesEveryPerAssetMap() {
        PolymarketDecoder decoder = decoder();
        for (String asset : List.of(A, B)) {
            decoder.decode(bytes("{\"event_type\":\"book\",\"asset_id\":\"" + asset + "\",\"market\":\"" + MARKET
                    + "\",\"bids\":[{\"price\":\"0.4\",\"size\":\"1\"}],\"asks\":[],\"hash\":\"x\"}"));
        }
        assertThat(decoder.sizes())
                .containsEntry("instruments", 2)
                .containsEntry("conditions", 2)
                .containsEntry("books", 2);

        decoder.change(List.of(), List.of(A));

        assertThat(decoder.sizes())
                .containsEntry("instruments", 1)
                .containsEntry("conditions", 1)
                .containsEntry("books", 1)
                .containsEntry("resyncing", 0);
        assertThat(decoder.checkedBook(A)).isEmpty();
        assertThat(decoder.checkedBook(B)).isPresent();
    }

    @Test
    void aBookWithoutEventTypeIsABook() {
        String frame = "{\"asset_id\":\"" + A + "\",\"market\":\"" + MARKET
                + "\",\"bids\":[{\"price\":\"0.4\",\"size\":\"1\"}],\"asks\":[],\"hash\":\"x\"}";
        Decoded decoded = decoder().decode(bytes(frame));
        assertThat(decoded.kind()).isEqualTo(Kind.DATA);
        assertThat(decoded.type()).isEqualTo("book");
        assertThat(decoded.messages()).singleElement().satisfies(m -> {
            assertThat(m.subject()).isEqualTo(subject("book", MARKET));
            assertThat(m.payload()).isEqualTo(bytes(frame));
        });
    }

    @Test
    void anUnknownEventTypeIsPublishedUnderItsOwnTypeAndItsSiblingsAreUnharmed() {
        String known = "{\"event_type\":\"last_trade_price\",\"asset_id\":\"" + A + "\",\"market\":\"" + MARKET
                + "\",\"price\":\"0.5\",\"size\":\"1\"}";
        String unknown = "{\"event_type\":\"price.level v9\",\"asset_id\":\"" + B + "\",\"market\":\"" + MARKET
                + "\",\"whatever\":{\"nested\":[1,2,{\"x\":\"]}\"}]}}";
        String notAnObject = "\"just text\"";
        String request = "{\"assets_ids\":[\"" + A + "\"],\"type\":\"market\"}";
        String frame = "[" + known + "," + unknown + ",  " + notAnObject + "," + request + "]";

        Decoded decoded = decoder().decode(bytes(frame));

        assertThat(decoded.kind()).isEqualTo(Kind.DATA);
        assertThat(decoded.type()).isEqualTo("mixed");
        assertThat(decoded.messages())
                .extracting(Decoded.Routed::subject)
                .containsExactly(
                        subject("last_trade_price", MARKET),
                        subject("price_level_v9", MARKET),
                        "prod.polymarket.json.unparsed.polymarket-3",
                        "prod.polymarket.json.unparsed.polymarket-3");
        assertThat(decoded.messages())
                .extracting(m -> new String(m.payload(), StandardCharsets.UTF_8))
                .containsExactly(known, unknown, notAnObject, request);
        assertThat(decoded.messages()).extracting(Decoded.Routed::element).containsExactly(0, 1, 2, 3);
    }

    @Test
    void framesThatAreNotOneJsonValueAreUnparsed() {
        PolymarketDecoder decoder = decoder();
        for (String bad : List.of(
                "",
                "not json",
                "{\"event_type\":\"book\"",
                "[{\"event_type\":\"book\"}",
                "{\"event_type\":\"book\",\"asset_id\":\"1\"} trailing",
                "[] []",
                "42",
                "\"text\"",
                "null",
                "{\"assets_ids\":[\"1\"],\"type\":\"market\"}")) {
            Decoded decoded = decoder.decode(bytes(bad));
            assertThat(decoded.kind()).as(bad).isEqualTo(Kind.UNPARSED);
            assertThat(decoded.reason()).as(bad).isNotBlank();
        }
        // Every prefix of a real frame is unparsed or a valid shorter value, and never throws.
        String line = PolymarketTestServer.sampleLines().get(8);
        for (int cut = 0; cut < line.length(); cut++) {
            assertThat(decoder.decode(bytes(line.substring(0, cut))).kind()).isEqualTo(Kind.UNPARSED);
        }
    }

    @Test
    void anEmptyArrayIsKeptOnTheSystemSubject() {
        Decoded decoded = decoder().decode(bytes("[]"));
        assertThat(decoded.kind()).isEqualTo(Kind.SYSTEM);
        assertThat(decoded.messages())
                .singleElement()
                .satisfies(m -> assertThat(m.subject()).isEqualTo("prod.polymarket.json.system.polymarket-3"));
    }

    @Test
    void fieldsOfUnexpectedTypesAndUnknownFieldsDoNotCostTheEvent() {
        // Numbers unquoted, an unknown field, a null hash: still a last_trade_price on its market.
        String frame = "{\"event_type\":\"last_trade_price\",\"asset_id\":111,\"market\":\"" + MARKET
                + "\",\"price\":0.5,\"size\":12,\"new_field\":{\"a\":[1]},\"hash\":null}";
        Decoded decoded = decoder().decode(bytes(frame));
        assertThat(decoded.type()).isEqualTo("last_trade_price");
        assertThat(decoded.messages().get(0).subject()).isEqualTo(subject("last_trade_price", MARKET));
    }

    @Test
    void anEventWithoutMarketUsesTheMarketLearnedForItsAssetElseTheAssetId() {
        PolymarketDecoder decoder = decoder();
        String noMarket = "{\"event_type\":\"tick_size_change\",\"asset_id\":\"" + A
                + "\",\"old_tick_size\":\"0.01\",\"new_tick_size\":\"0.001\"}";
        assertThat(decoder.decode(bytes(noMarket)).messages().get(0).subject())
                .isEqualTo(subject("tick_size_change", A));
        decoder.decode(bytes("{\"event_type\":\"last_trade_price\",\"asset_id\":\"" + A + "\",\"market\":\"" + MARKET
                + "\",\"price\":\"0.5\",\"size\":\"1\"}"));
        assertThat(decoder.decode(bytes(noMarket)).messages().get(0).subject())
                .isEqualTo(subject("tick_size_change", MARKET));
        // Given beforehand (discovery), it is known from the first frame.
        PolymarketDecoder given = PolymarketDecoder.create(
                ShardContext.of("prod", "polymarket", "polymarket-3", List.of(A)), false, Map.of(A, "0xfeed"));
        assertThat(given.decode(bytes(noMarket)).messages().get(0).subject())
                .isEqualTo(subject("tick_size_change", "0xfeed"));
        // Naming no market and no asset: about no market, on the system subject.
        Decoded nothing = decoder.decode(bytes("{\"event_type\":\"notice\",\"text\":\"maintenance\"}"));
        assertThat(nothing.kind()).isEqualTo(Kind.SYSTEM);
        assertThat(nothing.messages().get(0).subject()).isEqualTo("prod.polymarket.json.system.polymarket-3");
    }

    @Test
    void theReplayServersRefusalStandInIsARejectionOfItsAssets() {
        String frame = PolymarketFrames.subscriptionRejected(List.of(A, B), 1L);
        Decoded decoded = decoder().decode(bytes(frame));
        assertThat(decoded.kind()).isEqualTo(Kind.SYSTEM);
        assertThat(decoded.rejections())
                .extracting(Decoded.Rejection::instrument)
                .containsExactly(A, B);
        assertThat(decoded.messages().get(0).subject()).isEqualTo("prod.polymarket.json.system.polymarket-3");
    }

    @Test
    void aLongSyntheticStreamDecodesWithoutOneResyncOrUnparsedFrame() {
        List<String> tokens = PolymarketUniverse.tokens(40);
        PolymarketUniverse universe = PolymarketUniverse.of(tokens);
        PolymarketSyntheticMarket market = new PolymarketSyntheticMarket(universe, 7);
        PolymarketDecoder decoder = PolymarketDecoder.create(
                ShardContext.of("prod", "polymarket", "polymarket-0", tokens), false, Map.of());
        Set<String> subscribed = new HashSet<>(tokens);
        StringBuilder dump = new StringBuilder("[");
        tokens.forEach(t -> dump.append(dump.length() > 1 ? "," : "").append(market.bookEvent(t, 1)));
        Decoded initial = decoder.decode(bytes(dump.append(']').toString()));
        assertThat(initial.messages()).hasSize(tokens.size());
        tokens.forEach(t -> assertThat(decoder.checking(t)).isTrue());

        List<String> frames = new ArrayList<>();
        int priceChanges = 0;
        for (int i = 0; i < 20_000; i++) {
            frames.clear();
            market.step(tokens.get(i % tokens.size()), subscribed, i, frames);
            for (String frame : frames) {
                Decoded decoded = decoder.decode(bytes(frame));
                assertThat(decoded.kind()).as(frame).isEqualTo(Kind.DATA);
                assertThat(decoded.resyncs()).as(frame).isEmpty();
                String condition = universe.marketOf(tokens.get(i % tokens.size()))
                        .orElseThrow()
                        .conditionId();
                assertThat(decoded.messages().get(0).subject()).endsWith("." + condition);
                priceChanges += decoded.type().equals("price_change") ? 1 : 0;
            }
        }
        assertThat(priceChanges).isGreaterThan(10_000);
        tokens.forEach(t -> assertThat(decoder.checking(t)).isTrue());
    }
}
