package org.recsys4j.duckdb;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.recsys4j.data.TableReadException;

/**
 * Turns what a user names (a file, a glob, a query) into relations DuckDB can scan, one per file
 * so that an error can name the file and the row in it. The reader follows the extension:
 * {@code .parquet} by {@code read_parquet}, {@code .json}/{@code .jsonl}/{@code .ndjson} by
 * {@code read_json}, anything else by {@code read_csv}, which detects the delimiter, a header and
 * the column types (a file without a header has columns {@code column0}, {@code column1}, ...).
 */
final class Sources {
    /** One scannable relation and the name errors give it. */
    record Unit(String name, String relation) {
        /** Whether DuckDB parses this unit from text (CSV, TSV, JSON lines), which a worker per core helps. */
        boolean text() {
            return relation.startsWith("read_csv(") || relation.startsWith("read_json(");
        }
    }

    private Sources() {
    }

    static List<Unit> resolve(Connection db, String pathOrGlob, String sql, String option) throws TableReadException {
        if (sql != null) {
            return List.of(new Unit(option.equals("--sql") ? "--sql query" : option + " query", "(" + sql + ")"));
        }
        List<String> files = new ArrayList<>();
        if (isGlob(pathOrGlob)) {
            try (PreparedStatement st = db.prepareStatement("SELECT file FROM glob(?) ORDER BY file")) {
                st.setString(1, pathOrGlob);
                try (ResultSet r = st.executeQuery()) {
                    while (r.next()) {
                        files.add(r.getString(1));
                    }
                }
            } catch (SQLException e) {
                throw new TableReadException(pathOrGlob, null, TableReadException.NO_ROW,
                        "cannot list the files of this pattern: " + DuckDbTableReader.clean(e), e);
            }
            if (files.isEmpty()) {
                throw new TableReadException(pathOrGlob, null, TableReadException.NO_ROW,
                        "no file matches this pattern (" + option + ")");
            }
        } else {
            files.add(pathOrGlob);
        }
        List<Unit> units = new ArrayList<>();
        for (String file : files) {
            check(file, option);
            units.add(new Unit(file, reader(file)));
        }
        return units;
    }

    /** Whether {@code text} is a query rather than a path: it starts with SELECT, WITH, FROM or '('. */
    static boolean isQuery(String text) {
        String t = text.stripLeading().toLowerCase(Locale.ROOT);
        return t.startsWith("select ") || t.startsWith("with ") || t.startsWith("from ") || t.startsWith("(");
    }

    static boolean isGlob(String path) {
        return path.contains("*") || path.contains("?") || path.contains("[");
    }

    /** A missing, unreadable or non-regular file gets its own message, before DuckDB tries it. */
    private static void check(String file, String option) throws TableReadException {
        Path p = Path.of(file);
        String problem = null;
        if (!Files.exists(p)) {
            problem = Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? "is a broken symbolic link"
                    : "does not exist";
        } else if (Files.isDirectory(p)) {
            problem = "is a directory; name a file, or a glob such as " + p.resolve("*.parquet");
        } else if (!Files.isRegularFile(p)) {
            problem = "is not a regular file (a FIFO or a device)";
        } else if (!Files.isReadable(p)) {
            problem = "cannot be read (permission denied)";
        }
        if (problem != null) {
            throw new TableReadException(file, null, TableReadException.NO_ROW, problem + " (" + option + ")");
        }
    }

    /** The table function that reads {@code file}, by its extension. */
    static String reader(String file) {
        String name = file.toLowerCase(Locale.ROOT);
        String quoted = quoteLiteral(file);
        if (name.endsWith(".parquet") || name.endsWith(".parq")) {
            return "read_parquet(" + quoted + ")";
        }
        if (name.endsWith(".json") || name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return "read_json(" + quoted + ")";
        }
        return "read_csv(" + quoted + csvOptions() + ")";
    }

    /**
     * DuckDB's CSV reader reads a file in buffers of 32 MB by default, each freshly allocated, and
     * on this (virtualised) 2-core machine the page faults of filling them cost about as much as
     * the parse: a 5M-row file took 0.9-1.2 CPU s to sum in DuckDB alone, 0.6 with 4 MB buffers (1
     * and 2 MB no better), and about 4 times fewer page faults. 4 MB stays above DuckDB's default
     * {@code max_line_size} (2 MB): every file that read before reads the same (lines of 2 to 4 MB,
     * refused before, now read).
     * {@code -Drecsys4j.duckdb.csvBufferSize=default} keeps DuckDB's size (only to compare both
     * ways in one build; {@code LoadBenchmark} does); another number of bytes sets it.
     */
    static final long CSV_BUFFER_BYTES = 4L << 20;

    private static String csvOptions() {
        String size = System.getProperty("recsys4j.duckdb.csvBufferSize", Long.toString(CSV_BUFFER_BYTES));
        return size.equals("default") ? "" : ", buffer_size = " + Long.parseLong(size);
    }

    static String quoteLiteral(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    static String quoteIdentifier(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
