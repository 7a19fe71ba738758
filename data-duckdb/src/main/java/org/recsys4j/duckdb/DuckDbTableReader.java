package org.recsys4j.duckdb;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.recsys4j.data.CategoricalColumn;
import org.recsys4j.data.Dataset;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.ItemCatalog;
import org.recsys4j.data.LoadStats;
import org.recsys4j.data.TableReadException;
import org.recsys4j.data.TableReader;
import org.recsys4j.data.TableSpec;

/**
 * Reads interactions (and an optional items table) through DuckDB's embedded JDBC driver into
 * dictionary-encoded columns: ids stream into {@code int} codes as they arrive, numbers into
 * {@code double[]}; no string is kept per row. Each file of a glob is scanned on its own, in name
 * order, so errors name the file and the row in it and the row order is the files' order.
 *
 * <pre>{@code
 * Dataset data = new DuckDbTableReader().read(TableSpec.file("logs/*.parquet", "user", "item")
 *         .withTimestamp("ts"));
 * }</pre>
 */
public final class DuckDbTableReader implements TableReader {
    private static final String JUNK = "Invalid Input Error: Attempting to execute an unsuccessful or closed pending"
            + " query result";

    @Override
    public Dataset read(TableSpec spec) throws IOException {
        long start = System.nanoTime();
        try (Connection db = open()) {
            List<Sources.Unit> units = Sources.resolve(db, spec.interactions(), spec.sql(),
                    spec.sql() != null ? "--sql" : "--interactions");
            String ahead = textReadAhead();
            if (units.stream().anyMatch(Sources.Unit::text) && ahead != null) {
                readTextAhead(db, ahead);
            }
            List<String> warnings = new ArrayList<>();
            Scan scan = new Scan(spec, units);
            for (Sources.Unit unit : units) {
                scan.read(db, unit);
            }
            if (scan.rows == 0) {
                throw new TableReadException(spec.source(), null, TableReadException.NO_ROW,
                        "the table has no rows; there is nothing to train on");
            }
            Interactions interactions = scan.interactions();
            ItemCatalog items = spec.items() != null
                    ? Items.read(db, spec, interactions.categorical(spec.candidateId()), warnings)
                    : scan.catalogFromInteractions();
            double seconds = (System.nanoTime() - start) / 1e9;
            List<String> files = units.stream().map(Sources.Unit::name).toList();
            return new Dataset(spec, interactions, items, new LoadStats(spec.source(), files, scan.rows, seconds),
                    warnings);
        } catch (SQLException e) {
            throw new TableReadException(spec.source(), null, TableReadException.NO_ROW, clean(e), e);
        }
    }

    /**
     * For text files, DuckDB's background threads: one per core besides the thread that fetches.
     * That thread counts as one of DuckDB's {@code threads} and, whenever the result buffer runs
     * dry, parses on its own; with one worker per core the parse keeps every core while Java
     * encodes a chunk.
     */
    private static final int TEXT_THREADS = Runtime.getRuntime().availableProcessors() + 1;
    /**
     * For text files, how far DuckDB may parse ahead of the fetching thread. At the default (about
     * 1 MB, some 40,000 rows of three columns) the workers stopped as soon as Java fell behind, and
     * the fetching thread parsed most of a CSV file itself: a 5M-row load used little more than one
     * core (2.4 CPU s in 2.1 s on an idle 2-core machine). Parquet, which DuckDB decodes far faster
     * than it parses text, read slower with these settings, so it keeps DuckDB's defaults.
     */
    private static final String TEXT_READ_AHEAD = "64MB";
    /**
     * {@code -Drecsys4j.duckdb.textReadAhead=false} keeps DuckDB's defaults for text too: only so that
     * {@code LoadBenchmark} can compare both ways in one build (read at each load, so one JVM can
     * alternate them).
     */
    private static String textReadAhead() {
        String v = System.getProperty("recsys4j.duckdb.textReadAhead", "true");
        if (v.equals("false")) {
            return null;
        }
        return v.equals("true") ? TEXT_READ_AHEAD : v.replaceAll("[^0-9A-Za-z]", "");
    }

    /** An in-memory DuckDB whose query results stream to Java a chunk at a time. */
    static Connection open() throws SQLException {
        Properties p = new Properties();
        p.setProperty("jdbc_stream_results", "true");
        return DriverManager.getConnection("jdbc:duckdb:", p);
    }

    /** DuckDB's settings for parsing text (CSV, JSON lines) while Java fetches: see {@link #TEXT_READ_AHEAD}. */
    private static void readTextAhead(Connection db, String size) throws SQLException {
        try (Statement st = db.createStatement()) {
            st.execute("SET threads = " + TEXT_THREADS);
            st.execute("SET streaming_buffer_size = '" + size + "'");
        }
    }

    /** DuckDB's message without the JDBC wrapper's preamble, on one line, at most 600 characters. */
    static String clean(SQLException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        m = m.replace(JUNK, "").replace('\n', ' ').strip();
        while (m.startsWith("Error: ")) {
            m = m.substring("Error: ".length()).strip();
        }
        return m.length() > 600 ? m.substring(0, 600) + " ..." : m;
    }

    /** The columns of a relation, by name, with their DuckDB types. */
    static Map<String, String> describe(Connection db, Sources.Unit unit) throws TableReadException {
        Map<String, String> columns = new LinkedHashMap<>();
        try (Statement st = db.createStatement();
                ResultSet r = st.executeQuery("DESCRIBE SELECT * FROM " + unit.relation())) {
            while (r.next()) {
                columns.put(r.getString("column_name"), r.getString("column_type"));
            }
        } catch (SQLException e) {
            throw new TableReadException(unit.name(), null, TableReadException.NO_ROW,
                    "cannot be read as a table: " + clean(e), e);
        }
        return columns;
    }

    /** Whether the relation has no rows (false if that cannot be told: the caller's error then stands). */
    static boolean isEmpty(Connection db, Sources.Unit unit) {
        try (Statement st = db.createStatement();
                ResultSet r = st.executeQuery("SELECT count(*) FROM " + unit.relation())) {
            return r.next() && r.getLong(1) == 0;
        } catch (SQLException e) {
            return false;
        }
    }

    /** The column's DuckDB type, or an error naming it, the closest existing name and all of them. */
    static String require(Map<String, String> columns, String column, String option, Sources.Unit unit)
            throws TableReadException {
        String type = columns.get(column);
        if (type != null) {
            return type;
        }
        String hint = "";
        for (String c : columns.keySet()) {
            if (c.equalsIgnoreCase(column)) {
                hint = " (column names are case-sensitive here: did you mean '" + c + "'?)";
            }
        }
        if (hint.isEmpty()) {
            String closest = closest(column, columns.keySet());
            if (closest != null) {
                hint = " (did you mean '" + closest + "'?)";
            }
        }
        throw new TableReadException(unit.name(), column, TableReadException.NO_ROW, "no such column, named by "
                + option + hint + "; the columns are " + columns.keySet()
                + (columns.containsKey("column0") || columns.containsKey("column00")
                        ? " (the file has no header, so DuckDB numbered them)" : ""));
    }

    private static String closest(String name, Iterable<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(name.toLowerCase(java.util.Locale.ROOT), c.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return bestDistance <= Math.max(2, name.length() / 3) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** Categorical candidate features by candidate, read beside the interactions when there is no items table. */
    static Map<String, String[]> firstValuePerCandidate(CategoricalColumn candidate, String[] catalog,
            Map<String, CategoricalColumn> features) {
        Map<String, String[]> out = new LinkedHashMap<>();
        if (features.isEmpty()) {
            return out; // the usual case: no map of every candidate to build (59,047 entries for MovieLens 25M)
        }
        Map<String, Integer> position = new java.util.HashMap<>();
        for (int i = 0; i < catalog.length; i++) {
            position.put(catalog[i], i);
        }
        int[] positionOfCode = new int[candidate.dictionary().length];
        for (int c = 0; c < positionOfCode.length; c++) {
            positionOfCode[c] = position.getOrDefault(candidate.dictionary()[c], -1);
        }
        features.forEach((name, column) -> {
            String[] values = new String[catalog.length];
            int[] codes = candidate.codes();
            for (int row = 0; row < codes.length; row++) {
                int p = positionOfCode[codes[row]];
                if (p >= 0 && values[p] == null) {
                    values[p] = column.value(row);
                }
            }
            out.put(name, values);
        });
        return out;
    }

    /** Sorted distinct values that some row uses, as {@code np.unique} gives a vocabulary. */
    static String[] sortedUsed(CategoricalColumn column) {
        String[] out = org.recsys4j.train.Vocabularies.used(column);
        SortedStrings.sort(out);
        return out;
    }
}
