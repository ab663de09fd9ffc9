package io.ssmd.app;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An aligned table for people: a header row, then one row per item, columns padded to their widest cell, numbers
 * right-aligned (with thousands separators), everything else left-aligned, absent values as "-". Scripts use
 * {@code --json} instead; this format may change.
 */
final class TextTable {

    private final List<String> headers;
    private final List<Object[]> rows = new ArrayList<>();

    private TextTable(List<String> headers) {
        this.headers = headers;
    }

    static TextTable of(String... headers) {
        return new TextTable(List.of(headers));
    }

    TextTable row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException(
                    "row of " + cells.length + " cells for " + headers.size() + " columns: " + Arrays.toString(cells));
        }
        rows.add(cells.clone());
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintStream out) {
        lines().forEach(out::println);
    }

    void print(PrintWriter out) {
        lines().forEach(out::println);
        out.flush();
    }

    private List<String> lines() {
        int n = headers.size();
        int[] width = new int[n];
        boolean[] numeric = new boolean[n];
        Arrays.fill(numeric, !rows.isEmpty());
        for (int c = 0; c < n; c++) {
            width[c] = headers.get(c).length();
        }
        List<String[]> text = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            String[] cells = new String[n];
            for (int c = 0; c < n; c++) {
                cells[c] = cell(row[c]);
                width[c] = Math.max(width[c], cells[c].length());
                numeric[c] &= row[c] == null || row[c] instanceof Number;
            }
            text.add(cells);
        }
        List<String> lines = new ArrayList<>();
        lines.add(line(headers.toArray(String[]::new), width, numeric));
        text.forEach(cells -> lines.add(line(cells, width, numeric)));
        return lines;
    }

    private static String cell(Object value) {
        if (value == null) {
            return "-";
        }
        if (value instanceof Long || value instanceof Integer) {
            return String.format("%,d", ((Number) value).longValue());
        }
        return value.toString();
    }

    private static String line(String[] cells, int[] width, boolean[] numeric) {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) {
                b.append("  ");
            }
            String pad = " ".repeat(width[c] - cells[c].length());
            boolean last = c == cells.length - 1;
            b.append(numeric[c] ? pad + cells[c] : last ? cells[c] : cells[c] + pad);
        }
        return b.toString();
    }
}
