package org.recsys4j.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How the cost grows with the data (issue 13, item 6): for each size, a MovieLens-25M-shaped
 * synthetic table ({@code recsys4j synth}'s generator: users in proportion, all 59,047 items),
 * loaded as CSV and as Parquet, the vocabularies, the {@code last:0.2} split, seconds per epoch of
 * each trainer (collapsed in-batch softmax, batch 8192, dimension 32) beside the floor of the same
 * batches in that trainer's own kernels ({@link CollapsedFloor} in OpenBLAS for ND4J,
 * {@link TfCollapsedFloor} for TensorFlow), the ranking metrics over every item for at most 20,000 test
 * users (brute force and ScaNN), and the peak resident memory of the size. Prints a table and,
 * with {@code --report}, JSON. Never run by the build; {@code benchmarks/scaling.sh} runs it.
 */
@Command(name = "ScalingBenchmark", mixinStandardHelpOptions = true, description = "Load, vocabulary, epoch,"
        + " floor, evaluation and memory at growing numbers of synthetic interactions.")
public final class ScalingBenchmark implements Callable<Integer> {
    @Option(names = "--sizes", split = ",", defaultValue = "100k,1m", description = "Interactions per size: 100k,"
            + " 1m, 5m, 25m (25m is MovieLens 25M's 25,000,095) or a number (default ${DEFAULT-VALUE}).")
    List<String> sizes;

    @Option(names = "--data", description = "Where the synthetic tables go and are reused from (default: a"
            + " temporary directory, deleted at the end).")
    Path data;

    @Option(names = "--backends", split = ",", defaultValue = "nd4j,tensorflow", description = "Trainers"
            + " (default ${DEFAULT-VALUE}).")
    List<String> backends;

    @Option(names = "--epochs", defaultValue = "2", description = "Epochs per trainer, more where the first 150"
            + " steps (the JIT's warm-up) would reach into the timed ones; the first is reported, and the median of"
            + " the last ones, as many as make 100 steps (10 at 100k), as the floor's median of as many passes"
            + " (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--max-steps", defaultValue = "0", description = "Time at most this many steps of each epoch"
            + " and scale to the whole epoch (floor likewise, same batches); 0: whole epochs.")
    int maxSteps;

    @Option(names = "--load-repeats", defaultValue = "2", description = "Loads of each format; the fastest is"
            + " reported (default ${DEFAULT-VALUE}: the first of a process pays DuckDB's start).")
    int loadRepeats;

    @Option(names = "--eval-users", defaultValue = "20000", description = "Test users evaluated at most"
            + " (default ${DEFAULT-VALUE}).")
    int evalUsers;

    @Option(names = {"-O", "--option"}, description = "A backend option KEY=VALUE for the trainers that declare it"
            + " (trace=true: TensorFlow's per-op times of the traced steps, printed as its trainer closes; the"
            + " traced epochs are slower).")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(names = "--report", description = "Also write the results as JSON to this file.")
    Path report;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ScalingBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path dir = data != null ? Files.createDirectories(data) : Files.createTempDirectory("recsys4j-scaling");
        org.recsys4j.spi.BackendOptions backendOptions = new org.recsys4j.spi.BackendOptions(options)
                .validate(backends.stream().map(org.recsys4j.spi.Backends::get).toList());
        ScalingRun.Settings settings = new ScalingRun.Settings(dir, backends, backendOptions, epochs, maxSteps,
                loadRepeats, 8192, 32, evalUsers, 42, System.err);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("processors", Runtime.getRuntime().availableProcessors());
        result.put("load_average_at_start", loadAverage());
        List<Map<String, Object>> rows = new ArrayList<>();
        try {
            for (String size : sizes) {
                Map<String, Object> row = ScalingRun.measure(parse(size), settings);
                row.put("load_average", loadAverage());
                rows.add(row);
                System.err.println(ScalingTable.format(rows, backends)); // each size's row as soon as it is in
            }
        } finally {
            if (data == null) {
                deleteTree(dir);
            }
        }
        result.put("sizes", rows);
        System.out.println(ScalingTable.format(rows, backends));
        if (report != null) {
            Path partial = report.resolveSibling(report.getFileName() + ".partial");
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(partial.toFile(), result);
            Files.move(partial, report, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return 0;
    }

    static long parse(String size) {
        String s = size.trim().toLowerCase(Locale.ROOT);
        if (s.equals("25m")) {
            return 25_000_095L;
        }
        if (s.endsWith("k") || s.endsWith("m")) {
            long unit = s.endsWith("k") ? 1_000L : 1_000_000L;
            return Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * unit);
        }
        return Long.parseLong(s);
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
