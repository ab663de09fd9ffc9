package io.ssmd.core.subject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SubjectsTest {

    @Test
    void slashBecomesDashSoKrakenPairsKeepTheirShape() {
        assertThat(Subjects.token("BTC/USD")).isEqualTo("BTC-USD");
        assertThat(Subjects.marketData("prod", "kraken", "ticker", Subjects.token("BTC/USD")))
                .isEqualTo("prod.kraken.json.ticker.BTC-USD");
    }

    @Test
    void dotsInKalshiTickersWouldSplitTheSubjectAndBecomeUnderscores() {
        assertThat(Subjects.token("KXETHD-26FEB1217-T1819.99")).isEqualTo("KXETHD-26FEB1217-T1819_99");
        assertThat(Subjects.marketData(
                        "prod",
                        "kalshi",
                        Subjects.category("Crypto"),
                        "trade",
                        Subjects.token("KXETHD-26FEB1217-T1819.99")))
                .isEqualTo("prod.kalshi.crypto.json.trade.KXETHD-26FEB1217-T1819_99");
    }

    @Test
    void wildcardsSpacesAndOtherCharactersBecomeUnderscores() {
        assertThat(Subjects.token("A*B>C D:E")).isEqualTo("A_B_C_D_E");
        assertThat(Subjects.token("0x12ab_cd-EF")).isEqualTo("0x12ab_cd-EF");
        assertThat(Subjects.token("ÉTH€")).isEqualTo("_TH_");
        assertThatThrownBy(() -> Subjects.token("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void categoriesAreLowerCasedAndMissingOnesAreUncategorized() {
        assertThat(Subjects.category("Climate and Weather")).isEqualTo("climate_and_weather");
        assertThat(Subjects.category("Science & Tech.")).isEqualTo("science___tech_");
        assertThat(Subjects.category(null)).isEqualTo("uncategorized");
        assertThat(Subjects.category("  ")).isEqualTo("uncategorized");
    }

    @Test
    void twoIdsMappingToOneTokenAreRejectedNamingBoth() {
        assertThatThrownBy(() -> Subjects.tokens(
                        "kalshi", List.of("KXETHD-26FEB1217-T1819.99", "KXBTC", "KXETHD-26FEB1217-T1819_99")))
                .isInstanceOf(TokenCollisionException.class)
                .hasMessageContaining("KXETHD-26FEB1217-T1819.99")
                .hasMessageContaining("KXETHD-26FEB1217-T1819_99")
                .hasMessageContaining("kalshi");
        assertThatThrownBy(() -> Subjects.tokens("kraken", List.of("BTC/USD", "BTC-USD")))
                .isInstanceOf(TokenCollisionException.class);
    }

    @Test
    void tokensKeepOrderAndTolerateRepeatsOfTheSameId() {
        assertThat(Subjects.tokens("kraken", List.of("ETH/USD", "BTC/USD", "ETH/USD")))
                .containsExactly(java.util.Map.entry("ETH/USD", "ETH-USD"), java.util.Map.entry("BTC/USD", "BTC-USD"));
    }

    @Test
    void systemUnparsedControlAndBookSubjectsFollowTheLayout() {
        assertThat(Subjects.system("prod", "polymarket", "polymarket-3"))
                .isEqualTo("prod.polymarket.json.system.polymarket-3");
        assertThat(Subjects.unparsed("prod", "kraken", "kraken-0")).isEqualTo("prod.kraken.json.unparsed.kraken-0");
        assertThat(Subjects.control("prod", "kalshi", "disconnected", Subjects.shard("kalshi", 3)))
                .isEqualTo("prod.kalshi.control.disconnected.kalshi-3");
        assertThat(Subjects.book("prod", "kraken", "BTC-USD")).isEqualTo("prod.kraken.ssmd.book.BTC-USD");
    }

    @Test
    void streamNamesAreUpperCaseWithUnderscores() {
        assertThat(Subjects.streamName("prod", "kraken-futures")).isEqualTo("PROD_KRAKEN_FUTURES");
        assertThat(Subjects.streamSubjects("prod", "kraken-futures")).isEqualTo("prod.kraken-futures.>");
    }

    @Test
    void everyPublishableSubjectOfAFeedIsInsideItsStream() {
        for (Venue venue : Venue.values()) {
            List<String> publishable = Subjects.publishable("prod", venue.id(), venue);
            assertThat(publishable)
                    .allSatisfy(pattern -> assertThat(
                                    SubjectPattern.covers(Subjects.streamSubjects("prod", venue.id()), pattern))
                            .isTrue());
        }
        assertThat(Subjects.publishable("prod", "kalshi", Venue.KALSHI)).contains("prod.kalshi.*.json.*.*");
    }

    @Test
    void environmentAndFeedNamesMustBeLowerCaseTokens() {
        assertThat(Subjects.isValidName("prod-2")).isTrue();
        assertThat(Subjects.isValidName("Prod")).isFalse();
        assertThat(Subjects.isValidName("a.b")).isFalse();
        assertThat(Subjects.isValidName("-x")).isFalse();
    }
}
