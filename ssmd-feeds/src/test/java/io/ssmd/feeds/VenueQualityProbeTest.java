package io.ssmd.feeds;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.meta.QualityProbe;
import io.ssmd.core.subject.Venue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Each venue's quality probe on its recorded frames (exchanges/{venue}/messages.jsonl). */
class VenueQualityProbeTest {

    private static List<String> frames(String venue) throws IOException {
        try (InputStream in = Objects.requireNonNull(
                VenueQualityProbeTest.class.getResourceAsStream("/" + venue + "/messages.jsonl"))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    private static String frame(String venue, String prefix) throws IOException {
        return frames(venue).stream()
                .filter(l -> l.startsWith(prefix))
                .findFirst()
                .orElseThrow();
    }

    private static QualityProbe.Inspection inspect(Venue venue, String type, String frame) {
        return Venues.of(venue).qualityProbe().inspect(type, frame.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void kalshiSequencesCountPerSubscription() throws IOException {
        QualityProbe.Inspection delta = inspect(
                Venue.KALSHI, "orderbook", frame("kalshi", "{\"type\":\"orderbook_delta\",\"sid\":1,\"seq\":2"));
        assertThat(delta.missing()).isEmpty();
        assertThat(delta.events()).singleElement().satisfies(e -> {
            assertThat(e.instrument()).isEqualTo("KXGOLDH-26AUG2711-T4615.99");
            assertThat(e.channel()).contains("sid 1");
            assertThat(e.seq()).isEqualTo(OptionalLong.of(2));
            assertThat(e.venueTs()).isEqualTo(1_787_838_983_996_443L);
            assertThat(e.snapshot()).isFalse();
        });
        QualityProbe.Inspection trade = inspect(Venue.KALSHI, "trade", frame("kalshi", "{\"type\":\"trade\""));
        assertThat(trade.events()).singleElement().satisfies(e -> {
            assertThat(e.tradeId()).contains("d91bc706-ee49-470d-82d8-11418bda6fed");
            assertThat(e.seq()).isEmpty();
        });
    }

    @Test
    void krakenFuturesTradesHaveSeqAndUidAndTheTradeSnapshotIsMarkedResent() throws IOException {
        QualityProbe.Inspection trade =
                inspect(Venue.KRAKEN_FUTURES, "trade", frame("kraken-futures", "{\"feed\":\"trade\","));
        assertThat(trade.events()).singleElement().satisfies(e -> {
            assertThat(e.tradeId()).contains("16dc1852-127b-40c9-acbb-5916ce98ee04");
            assertThat(e.seq()).isEqualTo(OptionalLong.of(96905));
            assertThat(e.channel()).isEmpty();
            assertThat(e.venueTs()).isEqualTo(1_770_920_339_688_000L);
        });
        QualityProbe.Inspection snapshot =
                inspect(Venue.KRAKEN_FUTURES, "trade", frame("kraken-futures", "{\"feed\":\"trade_snapshot\""));
        assertThat(snapshot.events()).isNotEmpty().allSatisfy(e -> {
            assertThat(e.snapshot()).isTrue();
            assertThat(e.seq()).isEmpty();
        });
    }

    @Test
    void aKrakenTradeWithoutItsPriceIsMissingAFieldAndAStatusFrameIsNot() throws IOException {
        String trade = frame("kraken", "{\"channel\":\"trade\"");
        assertThat(inspect(Venue.KRAKEN, "trade", trade).missing()).isEmpty();
        QualityProbe.Inspection broken = inspect(Venue.KRAKEN, "trade", trade.replace("\"price\":0.5117,", ""));
        assertThat(broken.events()).isEmpty();
        assertThat(broken.missing()).hasSize(1);
        assertThat(inspect(Venue.KRAKEN, "status", frame("kraken", "{\"channel\":\"status\""))
                        .missing())
                .isEmpty();
    }

    @Test
    void polymarketTradesCarryTheVenueTime() throws IOException {
        QualityProbe.Inspection trade = inspect(
                Venue.POLYMARKET, "last_trade_price", frame("polymarket", "{\"event_type\":\"last_trade_price\""));
        assertThat(trade.events()).singleElement().satisfies(e -> {
            assertThat(e.venueTs()).isEqualTo(1_750_428_146_322_000L);
            assertThat(e.seq()).isEmpty();
            assertThat(e.tradeId()).isEqualTo(Optional.empty());
        });
    }
}
