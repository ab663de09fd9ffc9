package io.ssmd.data.query;

import io.ssmd.archive.ArchiveSelection;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

/**
 * An in-memory DuckDB connection with the views of {@code ssmd data query} (DESIGN §16): {@code raw} and
 * {@code raw_FEED} over the selected archive's committed files, {@code gaps} from their manifests, and one view per
 * exported Parquet type. Close it after use.
 *
 * <p>Nothing is installed or loaded at run time: the JDBC driver carries {@code json} and {@code parquet} built in, and
 * extension autoloading and autoinstalling are switched off, so a query that would need another extension (httpfs for
 * an {@code s3://} path) fails with DuckDB's message instead of reaching for the network.
 */
public final class QuerySession implements AutoCloseable {

    /** A view or table a query can read: its name, what it reads (and its columns), how many files or rows. */
    public record View(String name, String over, long files) {}

    private final Connection connection;
    private final List<View> views;

    private QuerySession(Connection connection, List<View> views) {
        this.connection = connection;
        this.views = views;
    }

    /**
     * Opens DuckDB and defines the views.
     *
     * @param archives the archive selected for each feed (and environment) to query, possibly none
     * @param exports  the directory {@code ssmd data export} wrote to; null or missing: no export views
     * @throws SQLException when DuckDB cannot open or refuses a view (its message says why)
     * @throws IOException  when the export directory cannot be listed
     */
    public static QuerySession open(List<ArchiveSelection> archives, Path exports) throws SQLException, IOException {
        Properties properties = new Properties();
        properties.setProperty("autoinstall_known_extensions", "false");
        properties.setProperty("autoload_known_extensions", "false");
        Connection connection = DriverManager.getConnection("jdbc:duckdb:", properties);
        try {
            return new QuerySession(connection, QueryViews.define(connection, archives, exports));
        } catch (SQLException | IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** The views and tables defined, raw first. */
    public List<View> views() {
        return views;
    }

    /** Receives a statement's result while it is open. */
    @FunctionalInterface
    public interface ResultHandler<T> {
        T accept(ResultSet result) throws SQLException, IOException;
    }

    /**
     * Runs {@code sql} (one or more statements; the last one's result is handed on).
     *
     * @param onResult told the result set when the last statement returns rows
     * @return what {@code onResult} returned, or null when the statement returned no rows
     * @throws SQLException with DuckDB's message when the SQL is wrong or cannot run
     */
    public <T> T run(String sql, ResultHandler<T> onResult) throws SQLException, IOException {
        try (Statement s = connection.createStatement()) {
            if (!s.execute(sql)) {
                return null;
            }
            try (ResultSet rs = s.getResultSet()) {
                return onResult.accept(rs);
            }
        }
    }

    /** The connection, for a caller that runs its own statements (a benchmark, a test). */
    public Connection connection() {
        return connection;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
