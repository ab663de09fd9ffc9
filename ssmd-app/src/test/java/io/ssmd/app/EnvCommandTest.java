package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamConfiguration;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.nats.StreamSetup;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.core.testkit.PostgresDatabase;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code ssmd env} end to end through the command line, on the real PostgreSQL of {@code ./ssmd test}, on H2 and on a
 * real nats-server.
 */
class EnvCommandTest {

    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** An application.conf naming the database ({@code postgresql} or {@code h2}) and the test's nats-server. */
    private Path config(String database, String natsUrl) throws IOException {
        String db = database.equals("postgresql")
                ? "db { url = \"%s\", user = \"%s\", password-env = \"SSMD_TEST_PG_PASSWORD\" }"
                        .formatted(POSTGRES.url(), POSTGRES.settings().user())
                : "";
        return Files.writeString(dir.resolve("application.conf"), """
                ssmd {
                  data-dir = "%s"
                  nats.url = "%s"
                  %s
                }
                """.formatted(dir.resolve("data"), natsUrl, db));
    }

    /** A copy of the shipped default environment that archives into the test's directory. */
    private Path environment() throws IOException {
        Path env = ShippedExchanges.copyInto(dir);
        ShippedExchanges.edit(env, "archive-root: ./data/archive", "archive-root: " + dir.resolve("archive"));
        return env;
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "h2"})
    void applyTwiceWithAChangeRecordsTwoVersionsWithExactlyThatDiffAndAHistory(String database) throws Exception {
        String conf = config(database, NATS.url()).toString();
        Path env = environment();
        Instant before = Instant.now().minusSeconds(1);

        Run first = run("env", "apply", env.toString(), "--yes", "--config", conf);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out())
                .contains("plan: new environment default, version 1")
                .contains("applied:");

        // Comments and layout are not content.
        Files.writeString(env, "# reformatted\n" + Files.readString(env).replace("window: 1024", "window:   1024"));
        Run same = run("env", "apply", env.toString(), "--config", conf);
        assertThat(same.code()).as(same.err()).isZero();
        assertThat(same.out()).contains("unchanged: environment default is at version 1");

        ShippedExchanges.edit(env, "max-age: 7d", "max-age: 3d");
        Run second = run("env", "apply", env.toString(), "--yes", "--config", conf);
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.out())
                .contains(
                        "plan: environment default version 1 -> 2, 1 change:\n  ~ streams.defaults.max-age: 7d -> 3d\n");

        Run diff = run("env", "diff", "default", "--v1", "1", "--v2", "2", "--config", conf);
        assertThat(diff.code()).as(diff.err()).isZero();
        assertThat(diff.out())
                .isEqualTo("environment default version 1 -> 2: 1 change\n  ~ streams.defaults.max-age: 7d -> 3d\n");

        Run history = run("env", "history", "default", "--config", conf, "--json");
        assertThat(history.code()).as(history.err()).isZero();
        JsonNode h = JSON.readTree(history.out());
        assertThat(h.get("versions")).hasSize(2);
        assertThat(h.get("versions").get(0).get("valid_to").asText())
                .isEqualTo(h.get("versions").get(1).get("valid_from").asText());
        assertThat(h.get("versions").get(0).get("deployed_by").asText()).isEqualTo(System.getProperty("user.name"));
        assertThat(h.get("deployments").findValuesAsText("action")).containsExactly("apply", "apply");
        Run table = run("env", "history", "default", "--config", conf);
        assertThat(table.out().lines().filter(l -> l.matches("\\s*[12]  .*"))).hasSize(2);

        Instant v2 = Instant.parse(h.get("versions").get(1).get("valid_from").asText());
        Run tooEarly = run("env", "show", "default", "--as-of", before.toString(), "--config", conf);
        assertThat(tooEarly.code()).isEqualTo(1);
        assertThat(tooEarly.err()).contains("had no version at");
        Run between =
                run("env", "show", "default", "--as-of", v2.minusNanos(1000).toString(), "--config", conf);
        assertThat(between.out()).contains("environment default version 1").contains("max-age: 7d");
        Run after = run("env", "show", "default", "--config", conf);
        assertThat(after.out()).contains("environment default version 2").contains("max-age: 3d");
    }

    @Test
    void aMistypedNameFailsWithDidYouMeanAndABadDateIsAUsageError() throws Exception {
        String conf = config("h2", NATS.url()).toString();
        assertThat(run("env", "apply", environment().toString(), "--yes", "--config", conf)
                        .code())
                .isZero();

        Run typo = run("env", "history", "defualt", "--config", conf);
        assertThat(typo.code()).isEqualTo(1);
        assertThat(typo.err()).contains("unknown environment 'defualt'. Did you mean 'default'?");
        assertThat(typo.out()).isEmpty();

        Run badDate = run("env", "show", "default", "--as-of", "2026-13-45", "--config", conf);
        assertThat(badDate.code()).isEqualTo(2);
        assertThat(badDate.err()).contains("'2026-13-45' is not a date");

        Run noVersion = run("env", "diff", "default", "--v1", "1", "--v2", "9", "--config", conf);
        assertThat(noVersion.code()).isEqualTo(1);
        assertThat(noVersion.err()).contains("has no version 9; it has versions 1 to 1");
    }

    @Test
    void applyWithoutATerminalAndWithoutYesRefusesAndRecordsNothing() throws Exception {
        String conf = config("h2", NATS.url()).toString();
        Run refused = run("env", "apply", environment().toString(), "--config", conf);
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("pass --yes");
        assertThat(run("env", "list", "--config", conf, "--json").out().strip()).isEqualTo("[ ]");
    }

    @Test
    void validateChecksStreamsAndTheDatabaseOrSaysWhatItSkipped() throws Exception {
        Path env = environment();
        String conf = config("h2", NATS.url()).toString();
        Run reachable = run("env", "validate", env.toString(), "--config", conf);
        assertThat(reachable.code()).as(reachable.err()).isZero();
        assertThat(reachable.out())
                .contains("✓ stream DEFAULT_KRAKEN does not exist yet: it can be created")
                .contains("- database checks: no embedded database at " + dir.resolve("data/db/ssmd.mv.db"))
                .contains("✓ archive root " + dir.resolve("archive") + " is writable")
                .contains("✓ no secret value in");
        assertThat(dir.resolve("data/db/ssmd.mv.db"))
                .as("validate leaves no database behind")
                .doesNotExist();

        assertThat(run("env", "list", "--config", conf).code()).isZero(); // any metadata command creates it
        Run noNats = run(
                "env",
                "validate",
                env.toString(),
                "--config",
                config("h2", "nats://127.0.0.1:1").toString());
        assertThat(noNats.code()).as(noNats.err()).isZero();
        assertThat(noNats.out())
                .contains("- skipped: no NATS reachable at nats://127.0.0.1:1")
                .contains("environment default is not registered yet; applying creates version 1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "h2"})
    void applyRegistersTheFeedFilesAndValidateAndApplyCheckThemAgainstTheRegistry(String database) throws Exception {
        String conf = config(database, NATS.url()).toString();
        // The class shares one PostgreSQL database: this test starts from empty metadata and leaves it empty.
        emptyMetadata(database);
        try {
            applyRegistersTheFeedFiles(conf);
        } finally {
            emptyMetadata(database);
        }
    }

    private static void emptyMetadata(String database) throws Exception {
        if (database.equals("postgresql")) {
            POSTGRES.emptySchema();
        }
    }

    private void applyRegistersTheFeedFiles(String conf) throws Exception {
        Path env = environment();
        Path krakenFile = env.getParent().getParent().resolve("feeds/kraken.yaml");

        Run first = run("env", "apply", env.toString(), "--yes", "--config", conf);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out())
                .contains("plan: new environment default, version 1")
                .contains("  feed kraken: new in the feed registry, version 1 (content ")
                .contains("registered: feed kraken version 1");
        Run feeds = run("feed", "show", "kraken", "--json", "--config", conf);
        assertThat(feeds.code()).as(feeds.err()).isZero();
        assertThat(JSON.readTree(feeds.out()).get("version").get("source_file").asText())
                .isEqualTo(krakenFile.toString());

        Run valid = run("env", "validate", env.toString(), "--config", conf);
        assertThat(valid.code()).as(valid.err()).isZero();
        assertThat(valid.out())
                .contains("✓ feed kraken: registered and active, version 1 matches " + krakenFile)
                .contains("✓ schema trade v1: ");

        // The feed file changes, the environment does not: the plan says which feed gets a new version.
        ShippedExchanges.edit(krakenFile, "max-instruments-per-connection: 100", "max-instruments-per-connection: 50");
        Run changed = run("env", "validate", env.toString(), "--config", conf);
        assertThat(changed.out())
                .contains("✓ feed kraken: registered and active; " + krakenFile
                        + " changed: `ssmd env apply` records version 2");
        Run second = run("env", "apply", env.toString(), "--yes", "--config", conf);
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.out())
                .contains("plan: environment default unchanged at version 1; feed registry:\n"
                        + "  feed kraken: feed file changed, new version 2 (content ")
                .doesNotContain("feed kraken-futures:")
                .contains("registered: feed kraken version 2")
                .contains("unchanged: environment default version 1");
        Run history = run("feed", "show", "kraken", "--json", "--config", conf);
        JsonNode kraken = JSON.readTree(history.out());
        assertThat(kraken.get("version").get("max_symbols_per_connection").asInt())
                .isEqualTo(50);
        assertThat(kraken.get("history")).hasSize(2);

        // A disabled feed is refused by validate and apply, naming the way back.
        assertThat(run("feed", "disable", "kraken", "--config", conf).code()).isZero();
        Run refused = run("env", "validate", env.toString(), "--config", conf);
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err())
                .contains("✗ feed kraken is disabled in the feed registry since ")
                .contains("enable it with `ssmd feed enable kraken`");
        ShippedExchanges.edit(env, "max-age: 7d", "max-age: 3d");
        Run notApplied = run("env", "apply", env.toString(), "--yes", "--config", conf);
        assertThat(notApplied.code()).isEqualTo(1);
        assertThat(notApplied.err()).contains("feed kraken is disabled").contains("nothing was recorded");
        assertThat(JSON.readTree(run("env", "history", "default", "--json", "--config", conf)
                                .out())
                        .get("versions"))
                .hasSize(1);

        assertThat(run("feed", "enable", "kraken", "--config", conf).code()).isZero();
        Run again = run("env", "apply", env.toString(), "--yes", "--config", conf);
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("applied: environment default version 2");
    }

    @Test
    void teardownDryRunListsAndDeletesNothingAndTheRealOneDeletesExactlyThatList() throws Exception {
        String conf = config("h2", NATS.url()).toString();
        Path file = environment();
        assertThat(run("env", "apply", file.toString(), "--yes", "--config", conf)
                        .code())
                .isZero();
        Environment environment = EnvironmentLoader.load(file, Map.of());
        Connection nats = NATS.connect();
        JetStreamManagement jsm = nats.jetStreamManagement();
        new StreamSetup(jsm).apply(environment.streams(), environment.publishableSubjects());
        jsm.addStream(StreamConfiguration.builder()
                .name("OTHER_KRAKEN")
                .subjects("other.kraken.>")
                .build());
        Path day = Files.createDirectories(dir.resolve("archive/default/kraken/DEFAULT_KRAKEN/2026-12-01"));
        Files.writeString(day.resolve("0000.jsonl.gz"), "x");
        Path otherEnv = Files.createDirectories(dir.resolve("archive/other/kraken"));

        Run dry = run("env", "teardown", "default", "--dry-run", "--delete-archive", "--config", conf);
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out()).isEqualTo("""
                        would delete from environment default:
                          stream DEFAULT_KRAKEN
                          stream DEFAULT_KRAKEN_FUTURES
                          stream DEFAULT_POLYMARKET
                          archive directory %s
                        dry run: nothing was deleted
                        """.formatted(dir.resolve("archive/default")));
        assertThat(jsm.getStreamNames())
                .containsExactlyInAnyOrder(
                        "DEFAULT_KRAKEN", "DEFAULT_KRAKEN_FUTURES", "DEFAULT_POLYMARKET", "OTHER_KRAKEN");
        assertThat(day.resolve("0000.jsonl.gz")).exists();

        Run real = run("env", "teardown", "default", "--delete-archive", "--yes", "--config", conf);
        assertThat(real.code()).as(real.err()).isZero();
        assertThat(real.out())
                .contains("deleted stream DEFAULT_KRAKEN\n")
                .contains("deleted archive directory " + dir.resolve("archive/default"))
                .contains("deleted 3 streams and 1 archive directory");
        assertThat(jsm.getStreamNames()).containsExactly("OTHER_KRAKEN");
        assertThat(dir.resolve("archive/default")).doesNotExist();
        assertThat(otherEnv).isDirectory();

        JsonNode history = JSON.readTree(
                run("env", "history", "default", "--config", conf, "--json").out());
        assertThat(history.get("deployments").findValuesAsText("status"))
                .containsExactly("succeeded", "dry_run", "succeeded");
        assertThat(run("env", "list", "--config", conf).out()).contains("torn_down");
    }

    @Test
    void teardownOfAnUnknownEnvironmentSaysWhatExists() throws Exception {
        String conf = config("h2", NATS.url()).toString();
        assertThat(run("env", "apply", environment().toString(), "--yes", "--config", conf)
                        .code())
                .isZero();
        Run typo = run("env", "teardown", "defaul", "--dry-run", "--config", conf);
        assertThat(typo.code()).isEqualTo(1);
        assertThat(typo.err()).contains("Did you mean 'default'?");
    }
}
