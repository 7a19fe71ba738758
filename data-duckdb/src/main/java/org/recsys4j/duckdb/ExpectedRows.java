package org.recsys4j.duckdb;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * How many rows a file will give, told before DuckDB scans it, so that the columns are allocated
 * once at their final size ({@link Blocks#expect}) instead of filled in blocks and copied: on this
 * machine touching fresh memory is dear (in a 5M-row CSV load, the JVM zeroing and faulting in new
 * arrays took about a third of the reading thread). A guess that turns out wrong costs only the
 * copy that would have been made anyway.
 */
final class ExpectedRows {
    static final long UNKNOWN = -1;

    /** Eight bytes at a time, about three times the byte-by-byte loop's speed here. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;

    private ExpectedRows() {
    }

    /**
     * Parquet: the row count in the file's footer. CSV/TSV: its line breaks (a last line without one
     * counts too) less the header's line, which is exact unless quoted values hold line breaks or
     * lines are blank. {@link #UNKNOWN} for JSON lines, compressed text and queries.
     */
    static long of(Connection db, Sources.Unit unit, Set<String> columns) {
        return of(db, unit, columns, null);
    }

    /** As {@link #of(Connection, Sources.Unit, Set)}, with the lines counted by {@link #countLater}, if not null. */
    static long of(Connection db, Sources.Unit unit, Set<String> columns, Future<Long> counting) {
        if (!enabled()) {
            return UNKNOWN; // only so that LoadBenchmark can compare both ways in one run
        }
        String relation = unit.relation();
        if (relation.startsWith("read_parquet(")) {
            try (Statement st = db.createStatement();
                    ResultSet r = st.executeQuery("SELECT count(*) FROM " + relation)) {
                return r.next() ? r.getLong(1) : UNKNOWN;
            } catch (SQLException e) {
                return UNKNOWN; // the scan will say what is wrong
            }
        }
        if (!countable(unit)) {
            return UNKNOWN;
        }
        // DuckDB names the columns of a file without a header column0, column1, ... (column00 past ten)
        boolean header = !columns.stream().allMatch(c -> c.matches("column[0-9]+"));
        long lines = counting != null ? await(counting) : lineBreaks(Path.of(unit.name()));
        return lines < 0 ? UNKNOWN : Math.max(0, lines - (header ? 1 : 0));
    }

    /**
     * Starts counting a CSV/TSV file's line breaks on a thread of its own, so that the count runs on a
     * second core while DuckDB sniffs the file's columns ({@link DuckDbTableReader#describe}), which
     * it otherwise followed on the reading thread (about 0.06 s of a 5M-row load). Null for a unit
     * {@link #of} does not count lines of; cancel the result if it will not be asked for.
     */
    static Future<Long> countLater(Sources.Unit unit) {
        if (!enabled() || !countable(unit)) {
            return null;
        }
        FutureTask<Long> task = new FutureTask<>(() -> lineBreaks(Path.of(unit.name())));
        Thread counter = new Thread(task, "recsys4j-count-lines");
        counter.setDaemon(true);
        counter.start();
        return task;
    }

    private static boolean enabled() {
        return Boolean.parseBoolean(System.getProperty("recsys4j.duckdb.expectRows", "true"));
    }

    private static boolean countable(Sources.Unit unit) {
        String name = unit.name().toLowerCase(Locale.ROOT);
        return unit.relation().startsWith("read_csv(") && !name.endsWith(".gz") && !name.endsWith(".zst");
    }

    private static long await(Future<Long> counting) {
        try {
            return counting.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            return -1;
        }
    }

    /** Lines of a text file, counted in a buffer reused throughout (about 0.05 s per 100 MB); -1 if unreadable. */
    private static long lineBreaks(Path file) {
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
            byte[] a = buffer.array();
            long lines = 0;
            byte last = '\n';
            int n;
            while ((n = ch.read(buffer.clear())) >= 0) {
                int i = 0;
                for (; i + 8 <= n; i += 8) {
                    lines += Long.bitCount(zeroBytes((long) LONGS.get(a, i) ^ NEWLINES));
                }
                for (; i < n; i++) {
                    lines += a[i] == '\n' ? 1 : 0;
                }
                if (n > 0) {
                    last = a[n - 1];
                }
            }
            return last == '\n' ? lines : lines + 1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** The top bit of each byte of {@code x} that is zero, and no other bit (exact: no borrow between bytes). */
    private static long zeroBytes(long x) {
        return ~(((x & LOW7) + LOW7) | x | LOW7);
    }
}
