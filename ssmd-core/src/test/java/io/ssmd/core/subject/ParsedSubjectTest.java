package io.ssmd.core.subject;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.subject.ParsedSubject.Kind;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every subject {@link Subjects} builds parses back to the parts it was built from. */
class ParsedSubjectTest {

    @Test
    void marketDataRoundTrips() {
        String token = Subjects.token("BTC/USD");
        ParsedSubject parsed = ParsedSubject.parse(Subjects.marketData("prod", "kraken", "trade", token));

        assertThat(parsed)
                .isEqualTo(new ParsedSubject(Kind.MARKET_DATA, "prod", "kraken", Optional.empty(), "trade", "BTC-USD"));
        assertThat(parsed.ticker()).contains("BTC-USD");
        assertThat(parsed.controlEvent()).isEmpty();
        assertThat(parsed.recordType()).isEqualTo("trade");
    }

    @Test
    void kalshiMarketDataKeepsItsCategory() {
        String category = Subjects.category("Climate and Weather");
        String token = Subjects.token("KXETHD-26FEB1217-T1819.99");
        ParsedSubject parsed = ParsedSubject.parse(Subjects.marketData("prod", "kalshi", category, "orderbook", token));

        assertThat(parsed)
                .isEqualTo(new ParsedSubject(
                        Kind.MARKET_DATA,
                        "prod",
                        "kalshi",
                        Optional.of("climate_and_weather"),
                        "orderbook",
                        "KXETHD-26FEB1217-T1819_99"));
        assertThat(parsed.ticker()).contains("KXETHD-26FEB1217-T1819_99");
    }

    @Test
    void systemAndUnparsedNameTheirShardAndNoTicker() {
        String shard = Subjects.shard("kraken", 0);
        ParsedSubject system = ParsedSubject.parse(Subjects.system("prod", "kraken", shard));
        ParsedSubject unparsed = ParsedSubject.parse(Subjects.unparsed("prod", "kraken", shard));

        assertThat(system)
                .isEqualTo(new ParsedSubject(Kind.SYSTEM, "prod", "kraken", Optional.empty(), "system", "kraken-0"));
        assertThat(unparsed)
                .isEqualTo(
                        new ParsedSubject(Kind.UNPARSED, "prod", "kraken", Optional.empty(), "unparsed", "kraken-0"));
        assertThat(system.ticker()).isEmpty();
        assertThat(unparsed.ticker()).isEmpty();
        assertThat(system.recordType()).isEqualTo("system");
        assertThat(unparsed.recordType()).isEqualTo("unparsed");
    }

    @Test
    void everyControlEventRoundTrips() {
        for (String event : Subjects.CONTROL_EVENTS) {
            ParsedSubject parsed = ParsedSubject.parse(Subjects.control("prod", "kalshi", event, "kalshi-3"));

            assertThat(parsed)
                    .isEqualTo(new ParsedSubject(Kind.CONTROL, "prod", "kalshi", Optional.empty(), event, "kalshi-3"));
            assertThat(parsed.controlEvent()).contains(event);
            assertThat(parsed.ticker()).isEmpty();
            assertThat(parsed.recordType()).isEqualTo("control");
        }
    }

    @Test
    void ssmdBookSnapshotsNameTheirInstrumentButAreNoMarketData() {
        ParsedSubject parsed = ParsedSubject.parse(Subjects.book("prod", "kraken", Subjects.token("BTC/USD")));

        assertThat(parsed)
                .isEqualTo(new ParsedSubject(Kind.BOOK, "prod", "kraken", Optional.empty(), "book", "BTC-USD"));
        assertThat(parsed.ticker()).isEmpty();
        assertThat(parsed.recordType()).isEqualTo("ssmd.book");
    }

    @Test
    void aFeedMayBeNamedLikeALayoutToken() {
        // The layout is read by position, not by searching for a keyword, so a feed called "json" is no trap.
        assertThat(ParsedSubject.parse(Subjects.marketData("prod", "json", "trade", "X")))
                .isEqualTo(new ParsedSubject(Kind.MARKET_DATA, "prod", "json", Optional.empty(), "trade", "X"));
        assertThat(ParsedSubject.parse(Subjects.control("prod", "control", "resync", "control-0")))
                .isEqualTo(new ParsedSubject(Kind.CONTROL, "prod", "control", Optional.empty(), "resync", "control-0"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "prod",
                "prod.kraken",
                "prod.kraken.json.trade",
                "prod.kraken.json.trade.BTC-USD.extra",
                "prod.kalshi.a.b.json.trade.X",
                "prod.kraken.control.resync",
                "prod.kraken.ssmd.book",
                "prod.kraken.ssmd.tape.BTC-USD",
                "prod.kraken.json..BTC-USD",
                "prod.kraken.json.trade.BTC-USD.",
                "prod.kraken.other.trade.BTC-USD"
            })
    void malformedSubjectsAreOtherWithNothingGuessed(String subject) {
        ParsedSubject parsed = ParsedSubject.parse(subject);

        assertThat(parsed.kind()).isEqualTo(Kind.OTHER);
        assertThat(parsed.type()).isEmpty();
        assertThat(parsed.token()).isEmpty();
        assertThat(parsed.ticker()).isEmpty();
        assertThat(parsed.controlEvent()).isEmpty();
        assertThat(parsed.recordType()).isEqualTo("other");
    }
}
