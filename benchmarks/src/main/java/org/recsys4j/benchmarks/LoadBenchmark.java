package org.recsys4j.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.recsys4j.data.Dataset;
import org.recsys4j.data.TableSpec;
import org.recsys4j.duckdb.DuckDbTableReader;

/**
 * How fast a table becomes encoded columns: writes N synthetic interactions (integer user and item
 * ids with MovieLens-25M's counts of users and items, a timestamp) as CSV and as Parquet, then reads
 * each through {@link DuckDbTableReader} into dictionary-encoded {@code int[]} ids and a
 * {@code double[]} timestamp, several times, and prints rows per second. The goals (issue 13): CSV
 * at least 4 million rows/s, Parquet at least 6 million, on the 2-core machine.
 *
 * <pre>
 * java -cp "benchmarks/target/recsys4j-benchmarks-*.jar:benchmarks/target/lib/*" \
 *     org.recsys4j.benchmarks.LoadBenchmark [ROWS] [REPEATS] [VARIANTS]
 * </pre>
 *
 * VARIANTS, a comma-separated list such as {@code as-is,before}, alternates ways of reading in one
 * run (see {@link #NAMED}), so that A/B comparisons share the machine's load.
 */
public final class LoadBenchmark {
    /**
     * The reading thread's own CPU time: a load cannot take less wall time than this thread works,
     * so beside the process's CPU seconds it says how much of the work other cores could take.
     */
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private LoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000L;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<String> variants = args.length > 2 ? List.of(args[2].split(",")) : List.of(AS_IS);
        Path dir = Files.createTempDirectory("recsys4j-load");
        try {
            Path csv = dir.resolve("interactions.csv");
            Path parquet = dir.resolve("interactions.parquet");
            write(rows, csv, parquet);
            System.out.printf(Locale.ROOT, "%,d interactions, %d processors, load average %s at the start%n", rows,
                    Runtime.getRuntime().availableProcessors(), loadAverage());
            for (Path file : new Path[] {csv, parquet}) {
                Map<String, double[]> best = new LinkedHashMap<>();
                for (int i = 0; i < repeats; i++) {
                    int run = i;
                    for (String variant : variants) { // alternated, so that the machine's load falls on each alike
                        double seconds = withProperties(variant, () -> load(file, rows, variant, run));
                        best.computeIfAbsent(variant, v -> new double[] {Double.MAX_VALUE})[0] =
                                Math.min(best.get(variant)[0], seconds);
                    }
                }
                best.forEach((variant, b) -> System.out.printf(Locale.ROOT,
                        "%s%s: best %.2f s, %,.0f rows/s into encoded int[] columns%n", name(file),
                        variants.size() > 1 ? " (" + variant + ")" : "", b[0], rows / b[0]));
            }
            System.out.println("load average at the end " + loadAverage());
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    /** One load of {@code file}, printed; its wall seconds. */
    private static double load(Path file, long rows, String variant, int run) throws Exception {
        long cpu = cpuNanos();
        long own = THREADS.getCurrentThreadCpuTime();
        Dataset d = new DuckDbTableReader().read(TableSpec.file(file.toString(), "user_id", "item_id")
                .withTimestamp("timestamp"));
        double cpuSeconds = (cpuNanos() - cpu) / 1e9;
        double ownSeconds = (THREADS.getCurrentThreadCpuTime() - own) / 1e9;
        if (d.load().rows() != rows) {
            throw new IllegalStateException("read " + d.load().rows() + " rows of " + rows);
        }
        System.out.printf(Locale.ROOT, "  %-8s %s, run %d: %.2f s, %,.0f rows/s, %.2f CPU s in all threads,"
                + " %.2f in the reading one (%,d users, %,d items)%n", name(file),
                variant, run + 1, d.load().seconds(), d.load().rowsPerSecond(),
                cpuSeconds, ownSeconds, d.interactions().categorical("user_id").dictionary().length,
                d.items().size());
        return d.load().seconds();
    }

    /** The reader as it is, with no property set. */
    private static final String AS_IS = "as-is";
    /**
     * A variant names the reader's {@code recsys4j.duckdb.*} properties to set, joined by '+'
     * ({@code csvBufferSize=default+textReadAhead=false}); "before" is the reader before 4 MB CSV buffers
     * and columns sized from the row count.
     */
    private static final Map<String, String> NAMED = Map.of(AS_IS, "", "before",
            "csvBufferSize=default+expectRows=false");

    private interface Load {
        double run() throws Exception;
    }

    private static double withProperties(String variant, Load load) throws Exception {
        String spec = NAMED.getOrDefault(variant, variant);
        List<String> set = new ArrayList<>();
        for (String kv : spec.isEmpty() ? new String[0] : spec.split("\\+")) {
            String[] p = kv.split("=", 2);
            if (p.length != 2) {
                throw new IllegalArgumentException("a variant is KEY=VALUE+...: " + variant);
            }
            System.setProperty("recsys4j.duckdb." + p[0], p[1]);
            set.add("recsys4j.duckdb." + p[0]);
        }
        try {
            return load.run();
        } finally {
            set.forEach(System::clearProperty);
        }
    }

    private static String name(Path file) {
        return file.getFileName().toString().endsWith(".csv") ? "CSV" : "Parquet";
    }

    /** Zipf-like ids from a hash of the row: 162,541 users and 59,047 items, timestamps over three years. */
    private static void write(long rows, Path csv, Path parquet) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement st = db.createStatement()) {
            String table = "SELECT CAST(floor(162541 * pow(hash(i) / 18446744073709551615.0, 2)) AS BIGINT) + 1"
                    + " AS user_id,"
                    + " CAST(floor(59047 * pow(hash(i * 7 + 1) / 18446744073709551615.0, 3)) AS BIGINT) + 1"
                    + " AS item_id, 1262304000 + i * 94608000 // " + rows + " AS timestamp"
                    + " FROM range(" + rows + ") t(i)";
            st.execute("COPY (" + table + ") TO '" + csv + "' (HEADER)");
            st.execute("COPY (SELECT * FROM read_csv('" + csv + "')) TO '" + parquet + "' (FORMAT parquet)");
        }
    }

    /** CPU time of the whole process (DuckDB's threads included): what the load of other processes does not inflate. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
