package io.ssmd.core.subject;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.nats.StreamSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubjectPatternTest {

    @Test
    void fullWildcardCoversEverythingBelowItButNotItsOwnPrefix() {
        assertThat(SubjectPattern.covers("prod.kraken.>", "prod.kraken.json.*.*"))
                .isTrue();
        assertThat(SubjectPattern.covers("prod.kraken.>", "prod.kraken.control.*.*"))
                .isTrue();
        assertThat(SubjectPattern.covers("prod.kraken.>", "prod.kraken")).isFalse();
        assertThat(SubjectPattern.covers("prod.kraken.>", "prod.krakenx.json.a.b"))
                .isFalse();
    }

    @Test
    void singleWildcardCoversOneTokenOnly() {
        assertThat(SubjectPattern.covers("prod.kraken.json.*.*", "prod.kraken.json.trade.*"))
                .isTrue();
        assertThat(SubjectPattern.covers("prod.kraken.json.trade.*", "prod.kraken.json.*.*"))
                .isFalse();
        assertThat(SubjectPattern.covers("prod.kraken.json.*", "prod.kraken.json.trade.BTC"))
                .isFalse();
        assertThat(SubjectPattern.covers("prod.kraken.json.*.*", "prod.kraken.json.>"))
                .isFalse();
    }

    @Test
    void overlapsWhenSomeSubjectMatchesBoth() {
        assertThat(SubjectPattern.overlaps("prod.kraken.json.trade.*", "prod.kraken.json.*.BTC-USD"))
                .isTrue();
        assertThat(SubjectPattern.overlaps("prod.>", "prod.kraken.json.*.*")).isTrue();
        assertThat(SubjectPattern.overlaps("prod.kraken.json.trade.*", "prod.kraken.json.ticker.*"))
                .isFalse();
        assertThat(SubjectPattern.overlaps("prod.kraken.*", "prod.kraken.json.*.*"))
                .isFalse();
    }

    @Test
    void coverageNamesTheSubjectAndTheStreamsInvolved() {
        StreamSpec kraken = stream("PROD_KRAKEN", "prod.kraken.>");
        StreamSpec trades = stream("PROD_TRADES", "prod.*.json.trade.*");
        List<String> publishable = Subjects.publishable("prod", "kraken", Venue.KRAKEN);

        assertThat(StreamCoverage.check(List.of(kraken), publishable)).isEmpty();
        assertThat(StreamCoverage.check(List.of(kraken, trades), publishable))
                .singleElement()
                .asString()
                .contains("prod.kraken.json.*.*")
                .contains("2 streams")
                .contains("PROD_KRAKEN")
                .contains("PROD_TRADES");
        assertThat(StreamCoverage.check(List.of(trades), publishable))
                .anySatisfy(p -> assertThat(p).contains("prod.kraken.json.*.*").contains("only partly by PROD_TRADES"))
                .anySatisfy(
                        p -> assertThat(p).contains("prod.kraken.control.*.*").contains("covered by no stream"));
    }

    private static StreamSpec stream(String name, String subject) {
        return new StreamSpec(
                name, List.of(subject), -1, Duration.ZERO, Duration.ofMinutes(2), StreamSpec.Storage.FILE, 1);
    }
}
