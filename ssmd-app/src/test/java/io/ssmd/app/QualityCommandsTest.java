package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.QualityIssueType;
import io.ssmd.core.meta.QualityIssues;
import io.ssmd.core.settings.NodeConfig;
import io.ssmd.core.settings.NodeSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ssmd dq daily} and {@code ssmd data quality} in-process against the embedded H2, on a day whose archive is
 * only in the bucket: scored from its inventory row, stored gap and issues.
 */
class QualityCommandsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final LocalDate DAY = LocalDate.of(2026, 1, 2);

    @TempDir
    Path dir;

    Path config;
    String out;
    String err;

    @BeforeEach
    void aDayWithAGapAndIssues() throws Exception {
        config = dir.resolve("application.conf");
        Files.writeString(config, "ssmd {\n  data-dir = \"" + dir.resolve("data") + "\"\n}\n");
        NodeSettings settings = NodeSettings.create(NodeConfig.load(Optional.of(config), Map.of()), Map.of());
        try (Database db = Database.open(settings.db())) {
            QualityIssues issues = new QualityIssues(Metadata.of(db));
            Instant t = Instant.parse("2026-01-02T10:00:00Z");
            issues.add(
                    new QualityIssues.Day(
                            "prod",
                            "kalshi",
                            "PROD_KALSHI",
                            DAY,
                            dir.resolve("gone").toString()),
                    List.of(
                            new QualityIssues.Tally(QualityIssueType.PARSE_ERROR, 2, "{\"seq\":17}", t, t),
                            new QualityIssues.Tally(QualityIssueType.BOOK_RESYNC, 3, "{\"seq\":40}", t, t)),
                    t);
            try (Connection c = db.dataSource().getConnection();
                    Statement s = c.createStatement()) {
                // What the inventory writer records: 1,000 messages over the whole day, and one 36-minute outage.
                s.execute("UPDATE data_inventory SET record_count = 1000, first_timestamp = TIMESTAMP WITH TIME ZONE"
                        + " '2026-01-02 00:00:00+00', last_timestamp = TIMESTAMP WITH TIME ZONE '2026-01-03"
                        + " 00:00:00+00'");
                s.execute("INSERT INTO data_gaps (inventory_id, gap_type, start_time, end_time, shard, resolved)"
                        + " SELECT id, 'connection_lost', TIMESTAMP WITH TIME ZONE '2026-01-02 10:00:00+00',"
                        + " TIMESTAMP WITH TIME ZONE '2026-01-02 10:36:00+00', 'kalshi-0', TRUE FROM data_inventory");
            }
        }
    }

    private int ssmd(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(o));
        cli.setErr(new PrintWriter(e));
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--config");
        all.add(config.toString());
        int code = cli.execute(all.toArray(String[]::new));
        out = o.toString();
        err = e.toString();
        return code;
    }

    @Test
    void anotherEnvironmentOfTheSameFeedIsScoredApartAndKeepsItsOwnScore() throws Exception {
        NodeSettings settings = NodeSettings.create(NodeConfig.load(Optional.of(config), Map.of()), Map.of());
        try (Database db = Database.open(settings.db())) {
            // A lab environment archived kalshi the same day, cleanly: none of prod's gap or issues are its own.
            QualityIssues issues = new QualityIssues(Metadata.of(db));
            Instant t = Instant.parse("2026-01-02T10:00:00Z");
            issues.add(
                    new QualityIssues.Day(
                            "lab",
                            "kalshi",
                            "LAB_KALSHI",
                            DAY,
                            dir.resolve("gone-too").toString()),
                    List.of(),
                    t);
            try (Connection c = db.dataSource().getConnection();
                    Statement s = c.createStatement()) {
                s.execute("UPDATE data_inventory SET record_count = 500, first_timestamp = TIMESTAMP WITH TIME ZONE"
                        + " '2026-01-02 00:00:00+00', last_timestamp = TIMESTAMP WITH TIME ZONE '2026-01-03"
                        + " 00:00:00+00' WHERE environment = 'lab'");
            }
        }
        assertThat(ssmd("dq", "daily", "--feed", "kalshi", "--date", "2026-01-02", "--json"))
                .as(err)
                .isZero();
        Map<String, BigDecimal> byEnv = new java.util.TreeMap<>();
        JSON.readTree(out)
                .forEach(d -> byEnv.put(
                        d.path("environment").asText(), d.path("score").decimalValue()));
        assertThat(byEnv).containsOnlyKeys("lab", "prod");
        assertThat(byEnv.get("lab")).isEqualByComparingTo("1.00");
        assertThat(byEnv.get("prod")).isEqualByComparingTo("0.93");
        try (Database db = Database.open(settings.db())) {
            Map<String, BigDecimal> stored = new java.util.TreeMap<>();
            new QualityIssues(Metadata.of(db))
                    .days(DAY, Optional.of("kalshi"))
                    .forEach(r -> stored.put(r.environment(), r.qualityScore().orElseThrow()));
            assertThat(stored.get("lab")).isEqualByComparingTo("1.00");
            assertThat(stored.get("prod")).isEqualByComparingTo("0.93");
        }
    }

    @Test
    void dqDailyPrintsAndStoresTheScoreWithItsComponents() throws Exception {
        assertThat(ssmd("dq", "daily", "--feed", "kalshi", "--date", "2026-01-02"))
                .as(err)
                .isZero();
        // time 1 − 2160/86400 = 0.975, errors 1 − 10 × 2/1000 = 0.98, resyncs 1 − 0.03 = 0.97: 0.9268 → 0.93.
        assertThat(out.lines().toList().get(0)).contains("feed", "score", "time", "instruments", "errors", "resyncs");
        assertThat(out.lines().toList().get(1))
                .contains("kalshi", "2026-01-02", "0.93", "0.9750", "1.0000", "0.9800", "0.9700", "2,160", "86,400");

        assertThat(ssmd("dq", "daily", "--date", "2026-01-02", "--json"))
                .as(err)
                .isZero();
        JsonNode day = JSON.readTree(out).get(0);
        assertThat(day.path("feed").asText()).isEqualTo("kalshi");
        assertThat(day.path("score").decimalValue()).isEqualByComparingTo("0.93");
        assertThat(day.path("components").path("time").asDouble()).isEqualTo(0.975);
        assertThat(day.path("components").path("gap_seconds").asLong()).isEqualTo(2160);
        assertThat(day.path("components").path("streams").path("PROD_KALSHI").asBoolean())
                .isFalse();

        NodeSettings settings = NodeSettings.create(NodeConfig.load(Optional.of(config), Map.of()), Map.of());
        try (Database db = Database.open(settings.db())) {
            QualityIssues.InventoryDay row = new QualityIssues(Metadata.of(db))
                    .days(DAY, Optional.of("kalshi"))
                    .get(0);
            assertThat(row.qualityScore()).hasValueSatisfying(s -> assertThat(s).isEqualByComparingTo("0.93"));
            assertThat(JSON.readTree(row.qualityComponents().orElseThrow())
                            .path("resyncs")
                            .asDouble())
                    .isEqualTo(0.97);
        }
    }

    @Test
    void dataQualityListsTheDaysIssues() throws Exception {
        assertThat(ssmd("data", "quality", "--feed", "kalshi", "--date", "2026-01-02"))
                .as(err)
                .isZero();
        List<String> lines = out.lines().toList();
        assertThat(lines.get(0)).contains("stream", "type", "severity", "count", "sample");
        assertThat(lines.get(1)).contains("PROD_KALSHI", "book_resync", "info", "3", "{\"seq\":40}");
        assertThat(lines.get(2)).contains("PROD_KALSHI", "parse_error", "error", "2", "{\"seq\":17}");

        assertThat(ssmd("data", "quality", "--feed", "kalshi", "--date", "2026-01-02", "--json"))
                .isZero();
        assertThat(JSON.readTree(out).get(1).path("sample").path("seq").asLong())
                .isEqualTo(17);
    }

    @Test
    void anUnknownFeedOrADayWithoutInventoryFailsSayingWhatExists() {
        assertThat(ssmd("dq", "daily", "--feed", "kalshy")).isEqualTo(1);
        assertThat(err).contains("unknown feed 'kalshy'", "Did you mean 'kalshi'?");

        assertThat(ssmd("data", "quality", "--feed", "kalshi", "--date", "2026-01-05"))
                .isEqualTo(1);
        assertThat(err).contains("No data inventory for kalshi on 2026-01-05 — latest available: 2026-01-02");

        assertThat(ssmd("dq", "daily", "--feed", "kalshi", "--date", "2026-01-05"))
                .isEqualTo(1);
        assertThat(err).contains("No data inventory for kalshi on 2026-01-05 — latest available: 2026-01-02");
    }
}
