package io.ssmd.core.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssmd.core.settings.NodeSettings.DatabaseSettings;
import io.ssmd.core.testkit.PostgresDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {

    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    @TempDir
    Path dir;

    @Test
    void migratesPostgresAndRecordsTheNode() throws SQLException {
        Instant started = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (Database db = Database.open(POSTGRES.settings())) {
            db.touchNode("node-a", "1.0", started);
            db.touchNode("node-a", "1.1", started);
            db.touchNode("node-b", "1.1", started);
            assertThat(db.isReachable(5)).isTrue();
        }
        try (Connection c = POSTGRES.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT name, version FROM ssmd_node ORDER BY name")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("node-a");
            assertThat(rs.getString(2)).isEqualTo("1.1");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("node-b");
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void reopeningAnExistingSchemaAppliesNothingTwice() throws SQLException {
        int applied;
        try (Database first = Database.open(POSTGRES.settings())) {
            first.touchNode("reopen", "1", Instant.now());
            applied = successfulMigrations(first);
        }
        try (Database second = Database.open(POSTGRES.settings())) {
            assertThat(applied).isGreaterThanOrEqualTo(1);
            assertThat(successfulMigrations(second)).isEqualTo(applied);
        }
    }

    private static int successfulMigrations(Database db) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void embeddedH2UsesTheSameMigrations() throws SQLException {
        DatabaseSettings h2 = new DatabaseSettings(
                "jdbc:h2:file:" + dir.resolve("db/ssmd") + ";MODE=PostgreSQL",
                "",
                Optional.empty(),
                2,
                Duration.ofSeconds(5));
        try (Database db = Database.open(h2)) {
            db.touchNode("embedded", "1", Instant.now());
            assertThat(db.isReachable(5)).isTrue();
        }
        assertThat(dir.resolve("db/ssmd.mv.db")).exists();
    }

    @Test
    void anUnreachableDatabaseNamesTheUrlButNotThePassword() {
        DatabaseSettings nowhere = new DatabaseSettings(
                "jdbc:postgresql://127.0.0.1:1/ssmd?password=hunter2",
                "ssmd",
                Optional.of("hunter2"),
                1,
                Duration.ofMillis(500));
        assertThatThrownBy(() -> Database.open(nowhere))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining("jdbc:postgresql://127.0.0.1:1/ssmd")
                .hasMessageContaining("SSMD_DB_URL")
                .hasMessageNotContaining("hunter2");
    }
}
