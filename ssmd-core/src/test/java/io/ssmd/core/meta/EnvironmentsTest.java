package io.ssmd.core.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssmd.core.db.Database;
import io.ssmd.core.settings.NodeSettings.DatabaseSettings;
import io.ssmd.core.testkit.PostgresDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Environments and their versions on the real PostgreSQL of {@code ./ssmd test} and on the embedded H2. */
class EnvironmentsTest {

    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    @TempDir
    static Path h2Dir;

    @TempDir
    Path dir;

    static final String V1 = """
            # the first version
            name: staging
            feeds:
              kraken:
                enabled: true
                instruments: [BTC/USD, ETH/USD]
            streams:
              defaults:
                max-age: 7d
            """;

    /** The same content, reformatted, reordered and with another comment: not a new version. */
    static final String V1_REFORMATTED = """
            streams: {defaults: {max-age: "7d"}}
            # a different comment
            feeds:
              kraken:
                instruments:
                  - BTC/USD
                  - ETH/USD
                enabled: true
            name: staging
            """;

    /** One change: the streams' age limit. */
    static final String V2 = V1.replace("max-age: 7d", "max-age: 3d");

    static Stream<String> databases() {
        return Stream.of("postgresql", "h2");
    }

    private static DatabaseSettings settings(String kind) {
        return kind.equals("postgresql")
                ? POSTGRES.settings()
                : new DatabaseSettings(
                        "jdbc:h2:file:" + h2Dir.resolve("db-" + UUID.randomUUID())
                                + ";MODE=PostgreSQL;AUTO_SERVER=TRUE",
                        "",
                        Optional.empty(),
                        2,
                        Duration.ofSeconds(5));
    }

    private CanonicalConfig config(String yaml) throws IOException {
        Path file = Files.writeString(dir.resolve(UUID.randomUUID() + ".yaml"), yaml);
        return CanonicalConfig.of(file);
    }

    private static Deployer alice() {
        return new Deployer("alice", "cli", "exchanges/environments/staging.yaml", Optional.of("abc123"));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void migratesFromEmptyToTheEnvironmentTables(String kind) throws SQLException {
        try (Database db = Database.open(settings(kind));
                Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(
                    "SELECT \"description\" FROM \"flyway_schema_history\" WHERE \"version\" = '3' AND \"success\"")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("environments");
            }
            for (String table : List.of("environments", "environment_versions", "deployment_log")) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    assertThat(rs.next()).as(table).isTrue();
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void applyingTwiceWithAChangeRecordsTwoVersionsADiffOfExactlyThatChangeAndAHistory(String kind) throws IOException {
        try (Database db = Database.open(settings(kind))) {
            Environments environments = Environments.of(Metadata.of(db));
            String name = "staging-" + kind;
            Instant before = Instant.now().minusSeconds(1);

            Environments.Applied first = environments.apply(name, config(V1), alice(), "apply");
            assertThat(first.plan().kind()).isEqualTo(EnvironmentPlan.Kind.NEW_ENVIRONMENT);
            assertThat(first.version().version()).isEqualTo(1);

            Environments.Applied same = environments.apply(name, config(V1_REFORMATTED), alice(), "apply");
            assertThat(same.changed()).as("reformatting is not a new version").isFalse();
            assertThat(same.version().version()).isEqualTo(1);

            Environments.Applied second = environments.apply(name, config(V2), alice(), "apply");
            assertThat(second.plan().kind()).isEqualTo(EnvironmentPlan.Kind.NEW_VERSION);
            assertThat(second.version().version()).isEqualTo(2);
            assertThat(second.plan().changes())
                    .extracting(ConfigChange::toString)
                    .containsExactly("~ streams.defaults.max-age: 7d -> 3d");

            assertThat(environments.diff(name, 1, 2))
                    .extracting(ConfigChange::toString)
                    .containsExactly("~ streams.defaults.max-age: 7d -> 3d");
            List<EnvironmentVersion> history = environments.history(name);
            assertThat(history).extracting(EnvironmentVersion::version).containsExactly(1, 2);
            EnvironmentVersion v1 = history.get(0);
            EnvironmentVersion v2 = history.get(1);
            assertThat(v1.validTo()).as("closed where v2 starts").contains(v2.validFrom());
            assertThat(v2.validTo()).isEmpty();
            assertThat(v1.configHash()).isNotEqualTo(v2.configHash()).hasSize(64);
            assertThat(v1.deployedBy()).isEqualTo("alice");
            assertThat(v1.gitCommit()).contains("abc123");
            assertThat(v1.configYaml()).doesNotContain("#").contains("max-age: 7d");

            assertThatThrownBy(() -> environments.show(name, Optional.of(before)))
                    .isInstanceOf(NoSuchElementException.class)
                    .hasMessageContaining("had no version at");
            assertThat(environments.show(name, Optional.of(v1.validFrom())).version())
                    .isEqualTo(1);
            assertThat(environments
                            .show(name, Optional.of(v2.validFrom().minusNanos(1000)))
                            .version())
                    .as("between")
                    .isEqualTo(1);
            assertThat(environments.show(name, Optional.of(v2.validFrom())).version())
                    .isEqualTo(2);
            assertThat(environments.show(name, Optional.empty()).version()).isEqualTo(2);

            assertThat(environments.deployments(name))
                    .extracting(d -> d.action() + " v" + d.version().orElse(0) + " " + d.status())
                    .containsExactly("apply v1 succeeded", "apply v2 succeeded");
            assertThat(environments.list())
                    .filteredOn(e -> e.name().equals(name))
                    .singleElement()
                    .satisfies(e -> assertThat(e.currentVersion()).isEqualTo(2));
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aMistypedNameSaysWhatItMeant(String kind) throws IOException {
        try (Database db = Database.open(settings(kind))) {
            Environments environments = Environments.of(Metadata.of(db));
            environments.create("production", config(V1.replace("staging", "production")), alice());
            assertThatThrownBy(() -> environments.history("prodution"))
                    .isInstanceOf(UnknownNameException.class)
                    .hasMessageContaining("Did you mean 'production'?");
            assertThatThrownBy(() -> environments.create("production", config(V1), alice()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("env apply");
            assertThatThrownBy(() -> environments.version("production", 7))
                    .isInstanceOf(NoSuchElementException.class)
                    .hasMessageContaining("versions 1 to 1");
        }
    }

    @Test
    void aKeyHoldingASecretValueIsRefusedNamingFileAndKey() throws IOException {
        Path file = Files.writeString(dir.resolve("leaky.yaml"), """
                name: leaky
                storage:
                  upload:
                    secret-access-key: hunter2
                    secret-access-key-env: AWS_SECRET_ACCESS_KEY
                """);
        assertThatThrownBy(() -> CanonicalConfig.of(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("key storage.upload.secret-access-key looks like a secret value")
                .hasMessageNotContaining("hunter2")
                .hasMessageNotContaining("secret-access-key-env");
    }

    @Test
    void listsAndNestedListsDiffByPath() throws IOException {
        List<String> changes = new ArrayList<>();
        ConfigChange.between(
                        config(V1),
                        config(V1.replace("[BTC/USD, ETH/USD]", "[BTC/USD]").replace("enabled: true", "enabled: false")
                                + "gateway:\n  max-lag: 30s\n"))
                .forEach(c -> changes.add(c.toString()));
        assertThat(changes)
                .containsExactly(
                        "~ feeds.kraken.enabled: true -> false",
                        "~ feeds.kraken.instruments: [\"BTC/USD\",\"ETH/USD\"] -> [\"BTC/USD\"]",
                        "+ gateway: {\"max-lag\":\"30s\"}");
    }

    /**
     * Nodes of a cluster that start together each apply the same environment file: the second's insert waits on the
     * first's uncommitted row and then violates its key. It plans again and finds the version recorded (the cause of a
     * node of ClusterOnHostTest failing to start with {@code environments_pkey}).
     */
    @Test
    void aNewEnvironmentAppliedByTwoWritersAtOnceIsRecordedOnceAndNeitherFails() throws Exception {
        try (Database db = Database.open(POSTGRES.settings());
                Connection watcher = POSTGRES.connect()) {
            Environments environments = Environments.of(Metadata.of(db));
            CanonicalConfig config = config(V1);
            java.util.concurrent.CompletableFuture<Environments.Applied> second =
                    new java.util.concurrent.CompletableFuture<>();
            Environments.Applied first = Metadata.of(db).jdbi().inTransaction(h -> {
                Environments.Applied applied = environments.apply(h, "racing", config, alice(), "apply");
                Thread other = new Thread(() -> {
                    try {
                        second.complete(environments.apply("racing", config, alice(), "apply"));
                    } catch (RuntimeException e) {
                        second.completeExceptionally(e);
                    }
                });
                other.start();
                // The other writer's insert waits on this transaction's row until it commits.
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> waitingOnALock(watcher));
                return applied;
            });

            Environments.Applied again = second.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(first.changed()).isTrue();
            assertThat(again.changed()).isFalse();
            assertThat(again.version().version()).isEqualTo(1);
            assertThat(environments.history("racing")).hasSize(1);
        }
    }

    private static boolean waitingOnALock(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        + " AND query LIKE '%environments%'")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }
}
