package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.archive.Manifest;
import io.ssmd.archive.ManifestStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ssmd feed ...} and {@code ssmd schema ...} run in-process as a person runs them, output and errors
 * captured; the subclasses point them at PostgreSQL and at the embedded H2.
 */
abstract class MetadataCommandsContract {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    Path config;
    private String out;
    private String err;

    /** The {@code application.conf} text that points the commands at this database. */
    abstract String databaseConfig();

    @BeforeEach
    void writeConfig() throws IOException {
        config = dir.resolve("application.conf");
        Files.writeString(config, "ssmd {\n  data-dir = \"" + dir.resolve("data") + "\"\n" + databaseConfig() + "}\n");
    }

    private int ssmd(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(o));
        cli.setErr(new PrintWriter(e));
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("--help")) {
            all.add("--config");
            all.add(config.toString());
        }
        int code = cli.execute(all.toArray(String[]::new));
        out = o.toString();
        err = e.toString();
        return code;
    }

    private static Path shippedFeed(String name) {
        return ShippedExchanges.projectDir().resolve("exchanges/feeds/" + name + ".yaml");
    }

    @Test
    void createsListsShowsAndDisablesFeeds() throws IOException {
        assertThat(ssmd(
                        "feed",
                        "create",
                        "kalshi",
                        "--from",
                        shippedFeed("kalshi").toString()))
                .as(err)
                .isZero();
        assertThat(out).startsWith("feed kalshi: version 1 recorded from ");
        assertThat(ssmd(
                        "feed",
                        "create",
                        "kalshi",
                        "--from",
                        shippedFeed("kalshi").toString()))
                .isZero();
        assertThat(out).startsWith("feed kalshi: unchanged, version 1 stays in effect");
        assertThat(ssmd(
                        "feed",
                        "create",
                        "kraken",
                        "--from",
                        shippedFeed("kraken").toString()))
                .isZero();

        assertThat(ssmd("feed", "list")).isZero();
        List<String> lines = out.lines().toList();
        assertThat(lines.get(0)).startsWith("feed    venue   status  version  effective from");
        assertThat(lines.get(1)).startsWith("kalshi  kalshi  active        1  ");
        assertThat(lines).hasSize(3);

        assertThat(ssmd("feed", "show", "kalshi")).isZero();
        assertThat(out)
                .contains("secret_ref", "env:KALSHI_API_KEY_ID, env:KALSHI_PRIVATE_KEY_FILE")
                .contains("per-market");

        assertThat(ssmd("feed", "disable", "kraken")).isZero();
        assertThat(ssmd("feed", "list", "--status", "disabled", "--json")).isZero();
        JsonNode disabled = JSON.readTree(out);
        assertThat(disabled).hasSize(1);
        assertThat(disabled.get(0).get("name").asText()).isEqualTo("kraken");
        assertThat(disabled.get(0).get("version").get("endpoint").asText()).isEqualTo("wss://ws.kraken.com/v2");

        assertThat(ssmd("feed", "enable", "kraken")).isZero();
        assertThat(out).isEqualTo("feed kraken enabled\n");
        assertThat(ssmd("feed", "enable", "kraken")).isZero();
        assertThat(out).isEqualTo("feed kraken was already active\n");
        assertThat(ssmd("feed", "list", "--status", "active", "--json")).isZero();
        JsonNode enabled = JSON.readTree(out);
        assertThat(enabled.findValuesAsText("name")).contains("kraken");
        JsonNode kraken = enabled.get(enabled.findValuesAsText("name").indexOf("kraken"));
        assertThat(kraken.get("disabled_at").isNull()).isTrue();
        assertThat(kraken.get("version").get("version").asInt())
                .as("enabling records no new version")
                .isEqualTo(1);
        assertThat(err).isEmpty();
        assertThat(ssmd("feed", "enable", "krakn")).isEqualTo(1);
        assertThat(err).contains("Did you mean 'kraken'?");
    }

    @Test
    void aMistypedFeedFailsWithDidYouMean() {
        ssmd("feed", "create", "kalshi", "--from", shippedFeed("kalshi").toString());

        assertThat(ssmd("feed", "show", "kalshy")).isEqualTo(1);
        assertThat(err)
                .contains("unknown feed 'kalshy'. Did you mean 'kalshi'?")
                .contains("Known: kalshi");
        assertThat(out).isEmpty();
        assertThat(ssmd("feed", "disable", "kalshy")).isEqualTo(1);
        assertThat(err).contains("Did you mean 'kalshi'?");
        assertThat(ssmd("feed", "list", "--status", "actve")).isEqualTo(1);
        assertThat(err).contains("Did you mean 'active'?");
    }

    @Test
    void aBadDateIsAUsageError() {
        ssmd("feed", "create", "kalshi", "--from", shippedFeed("kalshi").toString());

        assertThat(ssmd("feed", "show", "kalshi", "--as-of", "2026-13-01")).isEqualTo(2);
        assertThat(err).contains("'2026-13-01' is not a date: expected YYYY-MM-DD");
        assertThat(ssmd("feed", "show", "kalshi", "--as-of", "2020-01-01")).isEqualTo(1);
        assertThat(err).contains("feed 'kalshi' had no version at 2020-01-01T00:00:00Z");
    }

    @Test
    void aFeedFileWithAnErrorRecordsNothing() throws IOException {
        Path bad = dir.resolve("kraken.yaml");
        Files.writeString(
                bad, Files.readString(shippedFeed("kraken")).replace("silence-timeout: 10s", "silence-timeout: soon"));

        assertThat(ssmd("feed", "create", "kraken", "--from", bad.toString())).isEqualTo(1);
        assertThat(err).contains(bad.toString()).contains("keepalive.silence-timeout");
        assertThat(ssmd("feed", "list")).isZero();
        assertThat(out).startsWith("no feed is registered");
    }

    @Test
    void schemasAreListedShownComparedAndFoundForArchivedDays() throws IOException {
        assertThat(ssmd("schema", "list")).as(err).isZero();
        assertThat(out.lines().map(l -> l.split("\\s+")[0]).toList())
                .containsExactly(
                        "schema",
                        "archive-line",
                        "lifecycle",
                        "orderbook-delta",
                        "orderbook-snapshot",
                        "ticker",
                        "trade");

        assertThat(ssmd("schema", "show", "trade", "--json")).isZero();
        JsonNode trade = JSON.readTree(out);
        assertThat(trade.get("version").asInt()).isEqualTo(1);
        assertThat(trade.get("definition")
                        .get("properties")
                        .get("price")
                        .get("type")
                        .asText())
                .isEqualTo("string");

        assertThat(ssmd("schema", "show", "trades")).isEqualTo(1);
        assertThat(err).contains("Did you mean 'trade'?");
        assertThat(ssmd("schema", "show", "trade", "--version", "9")).isEqualTo(1);
        assertThat(err).contains("unknown version of schema 'trade' '9'").contains("Known: 1.");
        assertThat(ssmd("schema", "compat", "trade", "--from", "1", "--to", "1"))
                .isZero();
        assertThat(out).startsWith("trade 1 -> 1: compatible");

        Path root = dir.resolve("archive");
        Path day = Files.createDirectories(root.resolve("default/kraken/kraken-raw/2026-12-06"));
        new ManifestStore()
                .write(day, Manifest.empty("default", "kraken", "kraken-raw", "2026-12-06", "jsonl.zst", "hourly"));
        assertThat(ssmd("schema", "used", "--feed", "kraken", "--date", "2026-12-06", "--root", root.toString()))
                .as(err)
                .isZero();
        assertThat(out.lines().toList().get(1)).matches("2026-12-06 +kraken +kraken-raw +0 +0 +archive-line +1");
        assertThat(ssmd("schema", "used", "--feed", "krakn", "--date", "2026-12-06", "--root", root.toString()))
                .isEqualTo(1);
        assertThat(err).contains("Did you mean 'kraken'?");
        assertThat(ssmd("schema", "used", "--feed", "kraken", "--date", "2026-12-05", "--root", root.toString()))
                .isEqualTo(1);
        assertThat(err).contains("it has 2026-12-06 to 2026-12-06");
        assertThat(ssmd("schema", "used", "--feed", "kraken", "--date", "yesterday", "--root", root.toString()))
                .isEqualTo(2);
    }

    @Test
    void everyMetadataCommandAnswersHelp() {
        for (String path : List.of(
                "feed",
                "feed list",
                "feed show",
                "feed create",
                "feed disable",
                "feed enable",
                "schema",
                "schema list",
                "schema show",
                "schema compat",
                "schema used")) {
            List<String> args = new ArrayList<>(List.of(path.split(" ")));
            args.add("--help");
            assertThat(ssmd(args.toArray(String[]::new))).as(path).isZero();
            assertThat(out).as(path).contains("Usage: ssmd " + path);
        }
    }
}
