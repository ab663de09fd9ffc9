package io.ssmd.data.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@code ssmd data query} prints a result: CSV (RFC 4180, a header row) and JSON (an array of objects, one a line)
 * for scripts, every row; for people, the first rows as cells of an aligned table and how many more there were.
 * Values are DuckDB's own text (times as {@code 2026-01-01 00:00:00.123456}, UTC), numbers stay numbers (decimals
 * exact), and a {@code JSON} column goes into JSON output as JSON.
 */
public final class QueryOutput {

    private static final JsonFactory JSON = new JsonFactory();

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** A table cell longer than this is cut (CSV and JSON carry it whole). */
    public static final int MAX_CELL = 100;

    private QueryOutput() {}

    /**
     * The first {@code maxRows} rows, ready for a table, and the count of the rest.
     *
     * @param cells one array per row: numbers as {@link Number} (integers as {@link BigInteger}, so that a table prints
     *              them without thousands separators: timestamps in µs and sequences are copied into queries), the
     *              rest as text, null for SQL NULL
     * @param more  rows after the first {@code maxRows}
     */
    public record Rows(List<String> columns, List<Object[]> cells, long more) {}

    /** Reads {@code rs} whole: the first {@code maxRows} rows as cells, the others counted. */
    public static Rows rows(ResultSet rs, long maxRows) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        List<String> columns = new ArrayList<>(n);
        for (int c = 1; c <= n; c++) {
            columns.add(md.getColumnLabel(c));
        }
        List<Object[]> cells = new ArrayList<>();
        long more = 0;
        while (rs.next()) {
            if (cells.size() >= maxRows) {
                more++;
                continue;
            }
            Object[] row = new Object[n];
            for (int c = 1; c <= n; c++) {
                row[c - 1] = cell(rs, md, c);
            }
            cells.add(row);
        }
        return new Rows(List.copyOf(columns), cells, more);
    }

    private static Object cell(ResultSet rs, ResultSetMetaData md, int c) throws SQLException {
        Object value = rs.getObject(c);
        if (value == null) {
            return null;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return BigInteger.valueOf(((Number) value).longValue());
        }
        if (value instanceof Number) {
            return value;
        }
        String text = text(rs, c);
        return text.length() > MAX_CELL ? text.substring(0, MAX_CELL - 1) + "…" : text;
    }

    /**
     * A value as text, as DuckDB writes it, null for SQL NULL. A {@code TIMESTAMP} is UTC and printed as DuckDB does
     * ({@code 2026-01-01 00:01:00}, µs when there are any), not as {@code java.sql.Timestamp} would ({@code .0}).
     */
    public static String text(ResultSet rs, int c) throws SQLException {
        if (rs.getMetaData().getColumnType(c) == Types.TIMESTAMP) {
            LocalDateTime time = rs.getObject(c, LocalDateTime.class);
            if (time == null) {
                return null;
            }
            String text = SECONDS.format(time);
            int micros = time.getNano() / 1000;
            if (micros == 0) {
                return text;
            }
            return text + "." + String.format("%06d", micros).replaceAll("0+$", "");
        }
        return rs.getString(c);
    }

    /** Prints every row (at most {@code maxRows}) as CSV with a header row; returns the rows printed. */
    public static long csv(ResultSet rs, PrintStream out, long maxRows) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        StringBuilder line = new StringBuilder();
        for (int c = 1; c <= n; c++) {
            if (c > 1) {
                line.append(',');
            }
            line.append(csvField(md.getColumnLabel(c)));
        }
        out.println(line);
        long rows = 0;
        while (rows < maxRows && rs.next()) {
            line.setLength(0);
            for (int c = 1; c <= n; c++) {
                if (c > 1) {
                    line.append(',');
                }
                String text = text(rs, c);
                line.append(text == null ? "" : csvField(text));
            }
            out.println(line);
            rows++;
        }
        return rows;
    }

    private static String csvField(String text) {
        if (text.isEmpty()
                || text.indexOf(',') >= 0
                || text.indexOf('"') >= 0
                || text.indexOf('\n') >= 0
                || text.indexOf('\r') >= 0) {
            return "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }

    /** Prints every row (at most {@code maxRows}) as a JSON array of objects, one a line; returns the rows printed. */
    public static long json(ResultSet rs, PrintStream out, long maxRows) throws SQLException, IOException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        long rows = 0;
        out.print('[');
        while (rows < maxRows && rs.next()) {
            out.print(rows == 0 ? "\n" : ",\n");
            java.io.StringWriter text = new java.io.StringWriter();
            try (JsonGenerator g = JSON.createGenerator(text)) {
                g.writeStartObject();
                for (int c = 1; c <= n; c++) {
                    g.writeFieldName(md.getColumnLabel(c));
                    jsonValue(g, rs, md, c);
                }
                g.writeEndObject();
            }
            out.print(text);
            rows++;
        }
        out.println(rows == 0 ? "]" : "\n]");
        return rows;
    }

    private static void jsonValue(JsonGenerator g, ResultSet rs, ResultSetMetaData md, int c)
            throws SQLException, IOException {
        Object value = rs.getObject(c);
        if (value == null) {
            g.writeNull();
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof BigDecimal d) {
            g.writeNumber(d);
        } else if (value instanceof BigInteger i) {
            g.writeNumber(i);
        } else if (value instanceof Long
                || value instanceof Integer
                || value instanceof Short
                || value instanceof Byte) {
            g.writeNumber(((Number) value).longValue());
        } else if ((value instanceof Double || value instanceof Float)
                && Double.isFinite(((Number) value).doubleValue())) {
            g.writeNumber(value.toString());
        } else if (md.getColumnType(c) == Types.OTHER && "JSON".equals(md.getColumnTypeName(c))) {
            g.writeRawValue(rs.getString(c));
        } else {
            g.writeString(text(rs, c));
        }
    }
}
