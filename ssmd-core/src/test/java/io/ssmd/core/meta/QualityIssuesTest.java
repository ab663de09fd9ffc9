package io.ssmd.core.meta;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.db.Database;
import io.ssmd.core.settings.NodeSettings.DatabaseSettings;
import io.ssmd.core.testkit.PostgresDatabase;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The quality issue counts and the score's columns on the real PostgreSQL of {@code ./ssmd test} and on H2. */
class QualityIssuesTest {

    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    @TempDir
    static Path h2Dir;

    static final LocalDate DAY = LocalDate.of(2026, 1, 2);
    static final Instant T0 = Instant.parse("2026-01-02T10:00:00Z");

    static Stream<String> databases() {
        return Stream.of("postgresql", "h2");
    }

    private static DatabaseSettings settings(String kind) throws Exception {
        if (kind.equals("postgresql")) {
            POSTGRES.emptySchema();
            return POSTGRES.settings();
        }
        return MetaDatabases.h2(h2Dir.resolve(UUID.randomUUID().toString()));
    }

    private static QualityIssues.Day day(String stream) {
        return new QualityIssues.Day("prod", "kalshi", stream, DAY, "/archive/prod/kalshi/" + stream + "/2026-01-02");
    }

    private static QualityIssues.Tally tally(QualityIssueType type, long n, String sample, Instant first) {
        return new QualityIssues.Tally(type, n, sample, first, first.plusSeconds(n));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void segmentsAddToTheDaysCountsKeepingTheFirstSample(String kind) throws Exception {
        try (Database db = Database.open(settings(kind))) {
            QualityIssues issues = new QualityIssues(Metadata.of(db));
            issues.add(
                    day("PROD_KALSHI"),
                    List.of(
                            tally(QualityIssueType.DUPLICATE, 2, "{\"seq\":7}", T0),
                            tally(QualityIssueType.PARSE_ERROR, 1, "{\"seq\":9}", T0)),
                    T0);
            issues.add(
                    day("PROD_KALSHI"),
                    List.of(tally(QualityIssueType.DUPLICATE, 3, "{\"seq\":70}", T0.plusSeconds(600))),
                    T0.plusSeconds(600));

            assertThat(issues.issues("kalshi", DAY))
                    .containsExactly(
                            new QualityIssues.Issue(
                                    "PROD_KALSHI", "duplicate", "warning", 5, "{\"seq\":7}", T0, T0.plusSeconds(603)),
                            new QualityIssues.Issue(
                                    "PROD_KALSHI", "parse_error", "error", 1, "{\"seq\":9}", T0, T0.plusSeconds(1)));
            assertThat(issues.days(DAY, Optional.of("kalshi"))).singleElement().satisfies(row -> {
                assertThat(row.status()).isEqualTo("processing");
                assertThat(row.records()).isZero();
                assertThat(row.storagePath()).isEqualTo("/archive/prod/kalshi/PROD_KALSHI/2026-01-02");
            });
            assertThat(issues.latestDate(Optional.of("kalshi"))).contains(DAY);
            assertThat(issues.latestDate(Optional.of("kraken"))).isEmpty();
            assertThat(issues.feeds()).containsExactly("kalshi");
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aRowTheInventoryWriterCreatedFirstIsUsedNotDuplicated(String kind) throws Exception {
        try (Database db = Database.open(settings(kind))) {
            try (Connection c = db.dataSource().getConnection();
                    Statement s = c.createStatement()) {
                s.execute("INSERT INTO data_inventory (environment, feed, stream, data_type, date, storage_path,"
                        + " symbol_count, record_count, byte_size, file_count, status, gap_count, processed_at) VALUES"
                        + " ('prod', 'kalshi', 'PROD_KALSHI', 'raw', DATE '2026-01-02', 'prod/kalshi', 12, 3400,"
                        + " 99000, 4, 'partial', 1, TIMESTAMP WITH TIME ZONE '2026-01-02 10:00:00+00')");
            }
            QualityIssues issues = new QualityIssues(Metadata.of(db));
            issues.add(day("PROD_KALSHI"), List.of(tally(QualityIssueType.CLOCK_SKEW, 1, "{}", T0)), T0);

            assertThat(issues.days(DAY, Optional.empty())).singleElement().satisfies(row -> {
                assertThat(row.status()).isEqualTo("partial");
                assertThat(row.records()).isEqualTo(3400);
                assertThat(row.storagePath()).isEqualTo("prod/kalshi");
            });
            assertThat(issues.issues("kalshi", DAY))
                    .extracting(QualityIssues.Issue::issueType, QualityIssues.Issue::count)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("clock_skew", 1L));

            assertThat(issues.storeScore("kalshi", DAY, new BigDecimal("0.85"), "{\"time\":0.8487}"))
                    .isEqualTo(1);
            assertThat(issues.days(DAY, Optional.of("kalshi")).get(0).qualityScore())
                    .hasValueSatisfying(s -> assertThat(s).isEqualByComparingTo("0.85"));
            assertThat(issues.days(DAY, Optional.of("kalshi")).get(0).qualityComponents())
                    .contains("{\"time\":0.8487}");
        }
    }
}
