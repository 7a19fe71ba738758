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
 * java -XX:+UseTransparentHugePages \
 *     -cp "benchmarks/target/recsys4j-benchmarks-*.jar:benchmarks/target/lib/*" \
 *     org.recsys4j.benchmarks.LoadBenchmark [ROWS] [LOADS] [VARIANTS] [WARMUP]
 * </pre>
 *
 * Warm-up as JMH treats it: per format, WARMUP rounds (default 2) are loaded and printed but not
 * counted, then LOADS rounds (default 5) are, and the summary gives their median and best. The
 * first load of each format is printed apart as well: a user's {@code train} runs in a fresh JVM and
 * pays that one (the JIT compiling the reader, and the heap's pages faulted in for the first time);
 * for CSV it is the JVM's first load of all, for Parquet the first after the CSV loads. A user's
 * first load also loads DuckDB's native library, which this benchmark does before writing the
 * tables: its time is printed on its own.
 *
 * VARIANTS, a comma-separated list such as {@code as-is,before}, alternates ways of reading in one
 * run (see {@link #NAMED}), so that A/B comparisons share the machine's load; each round loads every
 * variant once, in the order given (so only the first variant's first load is the JVM's cold one).
 */
public final class LoadBenchmark {
    /**
     * The reading thread's own CPU time: a load cannot take less wall time than this thread works,
     * so beside the process's CPU seconds it says how much of the work other cores could take.
     */
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    /** One load: wall seconds, CPU seconds of the whole process and of the reading thread. */
    private record Load(double seconds, double cpu, double own) {
    }

    private LoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000L;
        int loads = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<String> variants = args.length > 2 ? List.of(args[2].split(",")) : List.of(AS_IS);
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        if (loads < 1 || warmup < 0) {
            throw new IllegalArgumentException("LOADS must be at least 1 and WARMUP at least 0");
        }
        Path dir = Files.createTempDirectory("recsys4j-load");
        try {
            Path csv = dir.resolve("interactions.csv");
            Path parquet = dir.resolve("interactions.parquet");
            long start = System.nanoTime();
            long startCpu = THREADS.getCurrentThreadCpuTime();
            DriverManager.getConnection("jdbc:duckdb:").close();
            double open = (System.nanoTime() - start) / 1e9;
            double openCpu = (THREADS.getCurrentThreadCpuTime() - startCpu) / 1e9;
            write(rows, csv, parquet);
            System.out.printf(Locale.ROOT, "%,d interactions, %d processors, JVM options %s, load average %s at the"
                    + " start%nper format and variant: %d warm-up load(s), not counted, then %d counted%n"
                    + "DuckDB's first connection in this JVM (its native library unpacked from the jar and loaded):"
                    + " %.2f s, %.2f CPU s; a user's train pays it inside its first load, the loads below do not%n",
                    rows, Runtime.getRuntime().availableProcessors(), jvmOptions(), loadAverage(), warmup, loads,
                    open, openCpu);
            for (Path file : new Path[] {csv, parquet}) {
                Map<String, List<Load>> counted = new LinkedHashMap<>();
                Map<String, Load> first = new LinkedHashMap<>();
                for (int i = 0; i < warmup + loads; i++) {
                    String label = i < warmup ? "warm-up " + (i + 1) : "load " + (i - warmup + 1);
                    for (String variant : variants) { // alternated, so that the machine's load falls on each alike
                        Load l = withProperties(variant, () -> load(file, rows, variant, label));
                        first.putIfAbsent(variant, l);
                        if (i >= warmup) {
                            counted.computeIfAbsent(variant, v -> new ArrayList<>()).add(l);
                        }
                    }
                }
                counted.forEach((variant, l) -> summary(name(file) + (variants.size() > 1 ? " (" + variant + ")"
                        : ""), rows, first.get(variant), l));
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

    private static void summary(String what, long rows, Load first, List<Load> counted) {
        double median = median(counted, Load::seconds);
        double best = counted.stream().mapToDouble(Load::seconds).min().orElseThrow();
        System.out.printf(Locale.ROOT, "%s: first load %.2f s, %,.0f rows/s; counted (%d): median %.2f s, %,.0f"
                + " rows/s, best %.2f s, %,.0f rows/s into encoded int[] columns; median CPU s %.2f in all threads,"
                + " %.2f in the reading one%n", what, first.seconds(), rows / first.seconds(), counted.size(),
                median, rows / median, best, rows / best, median(counted, Load::cpu), median(counted, Load::own));
    }

    /** The middle value, or the mean of the two middle ones. */
    private static double median(List<Load> loads, java.util.function.ToDoubleFunction<Load> f) {
        double[] v = loads.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** One load of {@code file}, printed. */
    private static Load load(Path file, long rows, String variant, String label) throws Exception {
        long cpu = cpuNanos();
        long own = THREADS.getCurrentThreadCpuTime();
        Dataset d = new DuckDbTableReader().read(TableSpec.file(file.toString(), "user_id", "item_id")
                .withTimestamp("timestamp"));
        double cpuSeconds = (cpuNanos() - cpu) / 1e9;
        double ownSeconds = (THREADS.getCurrentThreadCpuTime() - own) / 1e9;
        if (d.load().rows() != rows) {
            throw new IllegalStateException("read " + d.load().rows() + " rows of " + rows);
        }
        System.out.printf(Locale.ROOT, "  %-8s %s, %s: %.2f s, %,.0f rows/s, %.2f CPU s in all threads,"
                + " %.2f in the reading one (%,d users, %,d items)%n", name(file),
                variant, label, d.load().seconds(), d.load().rowsPerSecond(),
                cpuSeconds, ownSeconds, d.interactions().categorical("user_id").dictionary().length,
                d.items().size());
        return new Load(d.load().seconds(), cpuSeconds, ownSeconds);
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

    private interface Run {
        Load run() throws Exception;
    }

    private static Load withProperties(String variant, Run load) throws Exception {
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

    /** The JVM's own options (-X..., -D...): whether huge pages were asked for shows in the output. */
    private static String jvmOptions() {
        List<String> options = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
        return options.isEmpty() ? "none" : String.join(" ", options);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
