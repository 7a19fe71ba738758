package org.recsys4j.duckdb;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.duckdb.DuckDBChunkedResult;
import org.duckdb.DuckDBDataChunkReader;
import org.duckdb.DuckDBPreparedStatement;
import org.duckdb.DuckDBReadableVector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.recsys4j.data.CategoricalColumn;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.ItemCatalog;
import org.recsys4j.data.TableReadException;
import org.recsys4j.data.TableSpec;

/** One pass over the interactions' files: every named column streamed into codes or numbers. */
final class Scan {
    /** What a column is for decides how it may be typed. */
    private enum Kind { ID, NUMBER, TIMESTAMP, CATEGORY, FEATURE }

    private enum Mode { LONG, STRING, DOUBLE }

    private static final class Column {
        final String name;
        final String option;
        Kind kind;
        final boolean candidateFeature;
        IdEncoder codes;
        DoubleColumn numbers;

        Column(String name, String option, Kind kind, boolean candidateFeature) {
            this.name = name;
            this.option = option;
            this.kind = kind;
            this.candidateFeature = candidateFeature;
        }
    }

    /** What a null integer reads as; a real value equal to it is told apart by {@code isNull}. */
    private static final long NULL_LONG = Long.MIN_VALUE + 7;

    private final TableSpec spec;
    private final List<Column> columns = new ArrayList<>();
    /** One file: its rows can be told before the scan, and the columns sized once (a glob keeps blocks). */
    private final boolean oneUnit;
    long rows;

    Scan(TableSpec spec, List<Sources.Unit> units) {
        this.spec = spec;
        this.oneUnit = units.size() == 1;
        columns.add(new Column(spec.queryId(), "--query-id", Kind.ID, false));
        columns.add(new Column(spec.candidateId(), "--candidate-id", Kind.ID, false));
        if (spec.timestamp() != null) {
            columns.add(new Column(spec.timestamp(), "--timestamp", Kind.TIMESTAMP, false));
        }
        if (spec.weight() != null) {
            columns.add(new Column(spec.weight(), "--weight", Kind.NUMBER, false));
        }
        for (String f : spec.queryFeatures()) {
            if (f.equals(spec.timestamp())) {
                continue; // the time as a feature: read once, as the timestamp
            }
            columns.add(new Column(f, "--query-features", Kind.FEATURE, false));
        }
        if (spec.items() == null) {
            for (String f : spec.candidateFeatures()) {
                columns.add(new Column(f, "--candidate-features", Kind.CATEGORY, true));
            }
        }
        List<String> names = columns.stream().map(c -> c.name).toList();
        if (new java.util.HashSet<>(names).size() != names.size()) {
            throw new IllegalArgumentException("a column is named for two roles: " + names);
        }
    }

    void read(Connection db, Sources.Unit unit) throws TableReadException {
        // a single CSV file's lines are counted on another core while DuckDB sniffs its columns
        Future<Long> lines = oneUnit ? ExpectedRows.countLater(unit) : null;
        try {
            scan(db, unit, lines);
        } finally {
            if (lines != null) {
                lines.cancel(true); // done by now, unless the file failed before its rows were counted
            }
        }
    }

    private void scan(Connection db, Sources.Unit unit, Future<Long> lines) throws TableReadException {
        Map<String, String> types = DuckDbTableReader.describe(db, unit);
        // an empty JSON lines file has no columns to name (DuckDB calls it 'json'): it adds no rows, as an
        // empty CSV file does, and a table of nothing but empty files is "no rows", not "no such column"
        if (!types.keySet().containsAll(columns.stream().map(c -> c.name).toList())
                && DuckDbTableReader.isEmpty(db, unit)) {
            return;
        }
        Mode[] modes = new Mode[columns.size()];
        List<String> select = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            String type = DuckDbTableReader.require(types, c.name, c.option, unit);
            ColumnType t = ColumnType.of(type);
            String q = Sources.quoteIdentifier(c.name);
            if (c.kind == Kind.FEATURE) {
                c.kind = t == ColumnType.REAL ? Kind.NUMBER : Kind.CATEGORY; // decided by the first file
            }
            switch (c.kind) {
                case ID, CATEGORY -> {
                    if (t == ColumnType.OTHER) {
                        throw new TableReadException(unit.name(), c.name, TableReadException.NO_ROW, "holds " + type
                                + " values, which cannot be ids or categories (" + c.option + "); convert them in"
                                + " --sql");
                    }
                    modes[i] = t == ColumnType.INTEGER ? Mode.LONG : Mode.STRING;
                    select.add(t == ColumnType.INTEGER || t == ColumnType.TEXT ? q : "CAST(" + q + " AS VARCHAR)");
                    if (c.codes == null) {
                        c.codes = new IdEncoder();
                    }
                }
                case NUMBER, TIMESTAMP -> {
                    modes[i] = Mode.DOUBLE;
                    if (t == ColumnType.INTEGER || t == ColumnType.REAL) {
                        select.add("CAST(" + q + " AS DOUBLE)");
                    } else if (t == ColumnType.TEMPORAL && c.kind == Kind.TIMESTAMP) {
                        select.add("CAST(epoch(" + q + ") AS DOUBLE)");
                    } else {
                        throw wrongType(db, unit, c, type);
                    }
                    if (c.numbers == null) {
                        c.numbers = new DoubleColumn();
                    }
                }
                default -> throw new IllegalStateException(c.kind.toString());
            }
        }
        long expected = oneUnit ? ExpectedRows.of(db, unit, types.keySet(), lines) : ExpectedRows.UNKNOWN;
        if (expected > 0 && expected <= Integer.MAX_VALUE - 16) {
            for (Column c : columns) {
                if (c.codes != null) {
                    c.codes.expect((int) expected);
                } else {
                    c.numbers.expect((int) expected);
                }
            }
        }
        String sql = "SELECT " + String.join(", ", select) + " FROM " + unit.relation();
        long row = 0;
        // DuckDB's chunked results: a vector per column and chunk, read column by column without the
        // per-cell bookkeeping of ResultSet (about 1.6 times the rows per second on Parquet here)
        try (DuckDBPreparedStatement st = db.prepareStatement(sql).unwrap(DuckDBPreparedStatement.class);
                DuckDBChunkedResult r = st.query()) {
            while (r.nextChunk()) {
                DuckDBDataChunkReader chunk = r.chunk();
                int size = (int) chunk.rowCount();
                for (int i = 0; i < columns.size(); i++) {
                    read(unit, columns.get(i), modes[i], chunk.vector(i), size, row);
                }
                row += size;
            }
        } catch (SQLException e) {
            throw new TableReadException(unit.name(), null, TableReadException.NO_ROW, "cannot be read (after row "
                    + row + "): " + DuckDbTableReader.clean(e), e);
        }
        rows += row;
        if (rows > Integer.MAX_VALUE - 16) {
            throw new TableReadException(unit.name(), null, row, "more than " + (Integer.MAX_VALUE - 16)
                    + " interactions in all; split the data or sample it with --sql");
        }
    }

    /** One column of one chunk; {@code before} rows of the file came in earlier chunks. */
    private static void read(Sources.Unit unit, Column c, Mode mode, DuckDBReadableVector v, int size, long before)
            throws SQLException, TableReadException {
        switch (mode) {
            case LONG -> {
                for (int k = 0; k < size; k++) {
                    long x = v.getLong(k, NULL_LONG);
                    if (x == NULL_LONG && v.isNull(k)) {
                        throw isNull(unit, c, before + k + 1);
                    }
                    c.codes.addLong(x);
                }
            }
            case STRING -> {
                for (int k = 0; k < size; k++) {
                    String x = v.getString(k);
                    if (x == null) {
                        throw isNull(unit, c, before + k + 1);
                    }
                    c.codes.addString(x);
                }
            }
            case DOUBLE -> {
                for (int k = 0; k < size; k++) {
                    double x = v.getDouble(k, Double.NaN);
                    if (!Double.isFinite(x)) {
                        if (v.isNull(k)) {
                            throw isNull(unit, c, before + k + 1);
                        }
                        throw new TableReadException(unit.name(), c.name, before + k + 1, "holds " + x
                                + ", expected a finite number (" + c.option + ")");
                    }
                    c.numbers.add(x);
                }
            }
            default -> throw new IllegalStateException(mode.toString());
        }
    }

    private static TableReadException isNull(Sources.Unit unit, Column c, long row) {
        String why = c.kind == Kind.ID ? "every interaction needs one" : "fill it in (COALESCE) or leave the row out"
                + " with --sql";
        return new TableReadException(unit.name(), c.name, row, "is null (" + c.option + "); " + why);
    }

    /** A text or other column where numbers belong: say so, and name the first row that is not a number. */
    private static TableReadException wrongType(Connection db, Sources.Unit unit, Column c, String type) {
        String expected = c.kind == Kind.TIMESTAMP ? "numbers, dates or timestamps" : "numbers";
        String sql = "SELECT CAST(" + Sources.quoteIdentifier(c.name) + " AS VARCHAR) FROM " + unit.relation();
        try (Statement st = db.createStatement(); ResultSet r = st.executeQuery(sql)) {
            long row = 0;
            while (r.next()) {
                row++;
                String v = r.getString(1);
                if (v != null && !parses(v)) {
                    String shown = v.length() > 40 ? v.substring(0, 40) + "..." : v;
                    return new TableReadException(unit.name(), c.name, row, "'" + shown + "' is not a number; the"
                            + " column holds " + type + " values where " + c.option + " needs " + expected);
                }
            }
            if (row == 0) {
                return new TableReadException(unit.name(), null, TableReadException.NO_ROW,
                        "the table has no rows; there is nothing to train on");
            }
        } catch (SQLException e) {
            // fall through to the message without a row
        }
        return new TableReadException(unit.name(), c.name, TableReadException.NO_ROW, "holds " + type + " values where "
                + c.option + " needs " + expected + "; cast it in --sql");
    }

    private static boolean parses(String v) {
        try {
            Double.parseDouble(v.strip());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    Interactions interactions() {
        Interactions.Builder b = Interactions.builder();
        for (Column c : columns) {
            if (c.candidateFeature) {
                continue;
            }
            if (c.codes != null) {
                b.categorical(c.name, c.codes.column());
            } else {
                b.numbers(c.name, c.numbers.toArray());
            }
        }
        return b.build();
    }

    /** Without an items table: every candidate id seen, sorted, with the features read beside them. */
    ItemCatalog catalogFromInteractions() {
        CategoricalColumn candidate = columns.get(1).codes.column();
        String[] ids = DuckDbTableReader.sortedUsed(candidate);
        Map<String, CategoricalColumn> features = new LinkedHashMap<>();
        for (Column c : columns) {
            if (c.candidateFeature) {
                features.put(c.name, c.codes.column());
            }
        }
        return new ItemCatalog(ids, null, DuckDbTableReader.firstValuePerCandidate(candidate, ids, features));
    }

    TableSpec spec() {
        return spec;
    }
}
