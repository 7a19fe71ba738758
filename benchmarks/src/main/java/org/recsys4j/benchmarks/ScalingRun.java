package org.recsys4j.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.data.Dataset;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.TableSpec;
import org.recsys4j.duckdb.DuckDbTableReader;
import org.recsys4j.metrics.RankingEvaluation;
import org.recsys4j.model.Embeddings;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.Backends;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.split.Split;
import org.recsys4j.split.SplitSpec;
import org.recsys4j.task.Retrieval;
import org.recsys4j.train.History;
import org.recsys4j.train.PeakMemory;
import org.recsys4j.train.ProgressBar;
import org.recsys4j.train.RetrievalModel;
import org.recsys4j.train.TableTraining;
import org.recsys4j.train.Vocabularies;
import org.recsys4j.vocab.StringLookup;

/** One size of {@link ScalingBenchmark}: synthetic table, loads, vocabularies, epochs, floor, evaluation, memory. */
final class ScalingRun {
    /** All of MovieLens 25M's items at every size. */
    static final int ITEMS = 59_047;
    /**
     * Steps trained before the reported epoch starts. The JIT compiles a step's Java loops over its
     * first 50-80 steps (measured at 100k, 10 steps an epoch: 31-59 ms a step in epochs 2-7, 17-21
     * from epoch 8 on), a cost a process pays once, not every epoch; the first epoch is reported apart.
     */
    static final int WARM_UP_STEPS = 150;
    /**
     * Steps a reported epoch time rests on at least. At 100k an epoch is 10 steps, about 0.1 s, which
     * one scheduling delay could stretch by half, so the trainer's warm epochs and each way of the
     * floor are timed alike as many times as it takes (10 at 100k, 2 at 1M, 1 at 200 steps) and both
     * report the median.
     */
    static final int MIN_TIMED_STEPS = 100;

    /** What every size shares. */
    record Settings(Path dataDir, List<String> backends, BackendOptions options, int epochs, int maxSteps,
            int loadRepeats, int batchSize, int dim, int evalUsers, long seed, PrintStream log) {
    }

    private final Settings s;
    private final Map<String, Object> out = new LinkedHashMap<>();

    private ScalingRun(Settings s) {
        this.s = s;
    }

    static Map<String, Object> measure(long rows, Settings settings) throws Exception {
        return new ScalingRun(settings).run(rows);
    }

    private Map<String, Object> run(long rows) throws Exception {
        boolean peakReset = PeakMemory.resetPeak();
        out.put("rows", rows);
        Path dir = s.dataDir().resolve("synth-" + rows);
        Path csv = dir.resolve("interactions.csv");
        if (!Files.isRegularFile(csv)) {
            throw new IllegalArgumentException(csv + " does not exist; write it with recsys4j synth --users "
                    + users(rows) + " --items " + ITEMS + " --interactions " + rows + " --sample-users 1000 --out "
                    + dir + " (benchmarks/scaling.sh does)");
        }
        Path parquet = s.dataDir().resolve("synth-" + rows + ".parquet");
        toParquet(csv, parquet);

        Dataset data = null;
        for (Path file : List.of(csv, parquet)) {
            Map<String, Object> best = null;
            for (int repeat = 1; repeat <= s.loadRepeats(); repeat++) {
                data = null; // the earlier columns go before these load
                log("loading %s (%d of %d)", file, repeat, s.loadRepeats());
                ScalingEvaluation.Timer t = ScalingEvaluation.Timer.start();
                data = new DuckDbTableReader().read(TableSpec.file(file.toString(), "user_id", "item_id")
                        .withTimestamp("timestamp"));
                Map<String, Object> m = timed(t, rows);
                if (best == null || (double) m.get("seconds") < (double) best.get("seconds")) {
                    best = m;
                }
            }
            out.put(file.toString().endsWith(".parquet") ? "parquet_load" : "csv_load", best);
        }
        Interactions all = data.interactions();
        out.put("users", all.categorical("user_id").dictionary().length);
        out.put("items", data.items().size());

        // the vocabularies as train builds them, and every row's vocabulary row
        ScalingEvaluation.Timer v = ScalingEvaluation.Timer.start();
        StringLookup queries = StringLookup.ofUnique(Vocabularies.used(all.categorical("user_id")));
        StringLookup candidates = StringLookup.ofUnique(data.items().ids());
        int[] userRows = all.categorical("user_id").lookup(queries);
        int[] itemRows = all.categorical("item_id").lookup(candidates);
        out.put("vocabulary", timed(v, rows));

        ScalingEvaluation.Timer sp = ScalingEvaluation.Timer.start();
        TableTraining.Options options = TableTraining.Options.defaults();
        options = new TableTraining.Options(SplitSpec.parse("last:0.2"), s.dim(), options.learningRate(),
                s.batchSize(), options.evalBatchSize(), s.epochs(), s.seed(), false, options.task(), List.of(), false,
                false, false, false);
        Split split = TableTraining.split(data, options);
        Interactions train = all.select(split.train());
        out.put("split", timed(sp, rows));
        data = null;
        all = null;

        RetrievalSpec model = new RetrievalSpec(TowerSpec.embedding("query", "user_id", queries.size(), s.dim()),
                TowerSpec.embedding("candidate", "item_id", candidates.size(), s.dim()), RetrievalTaskSpec.defaults());
        Map<String, StringLookup> vocabularies = Map.of("user_id", queries, "item_id", candidates);
        List<FeatureBatch> batches = null;
        boolean evaluated = false;
        for (String backend : s.backends()) {
            try (RetrievalModel m = new RetrievalModel(model, vocabularies, new Retrieval(model.task(), List.of()),
                    Backends.get(backend), new Adagrad(options.learningRate()), s.seed(),
                    s.options().only(Backends.get(backend)))) {
                m.computeTrainingMetrics(false);
                if (batches == null) {
                    batches = m.batches(train, s.batchSize());
                    train = null;
                    out.put("steps_per_epoch", batches.size());
                }
                List<FeatureBatch> timed = s.maxSteps() > 0 && s.maxSteps() < batches.size()
                        ? batches.subList(0, s.maxSteps()) : batches;
                out.put("steps_timed", timed.size());
                double scale = (double) batches.size() / timed.size();
                // the reported epochs start after WARM_UP_STEPS: before that C2 is still compiling the step
                int timedEpochs = timedEpochs(timed.size());
                int epochs = Math.max(s.epochs(), (WARM_UP_STEPS + timed.size() - 1) / timed.size() + timedEpochs);
                log("training %s: %d epochs of %d steps%s, the last %d timed, each beside a pass of every floor way",
                        backend, epochs, timed.size(), timed.size() < batches.size() ? " (of " + batches.size()
                        + ", scaled to them)" : "", timedEpochs);
                try (FloorWays floor = floorWays(backend, CollapsedShapes.of(timed, model, s.dim()))) {
                    out.put("epoch_" + backend, epochs(m, timed, epochs, timedEpochs, scale, floor));
                    if (floor != null) {
                        Map<String, Object> f = floor.result();
                        out.put("floor_" + backend, f);
                        @SuppressWarnings("unchecked")
                        Map<String, Object> epoch = (Map<String, Object>) out.get("epoch_" + backend);
                        epoch.put("x_floor", (double) epoch.get("seconds_per_epoch")
                                / (double) f.get("seconds_per_epoch"));
                        epoch.put("cpu_x_floor", (double) epoch.get("cpu_seconds_per_epoch")
                                / (double) f.get("cpu_seconds_per_epoch"));
                    }
                }
                if (!evaluated) {
                    evaluate(m, split, userRows, itemRows, queries, candidates);
                    evaluated = true;
                }
            }
        }
        out.put("peak_rss_bytes", PeakMemory.residentBytes());
        out.put("peak_rss_of_this_size_only", peakReset);
        return out;
    }

    /** Epochs of {@code steps} steps timed to reach {@link #MIN_TIMED_STEPS}. */
    static int timedEpochs(int steps) {
        return Math.max(1, (MIN_TIMED_STEPS + steps - 1) / Math.max(1, steps));
    }

    /** The middle value, or the mean of the two middle values. */
    static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * The trainer's epochs: the first reported apart (it pays the JIT and the backend's start), the
     * last {@code timedEpochs} each followed by one pass of every way of the floor over the same
     * batches, so that the trainer and its floor are timed side by side in time, through the same
     * swings of this shared machine's speed (one slow minute fell on a trainer's ten epochs alone and
     * read as 2.1 times a floor timed a minute later at 1.3).
     */
    private Map<String, Object> epochs(RetrievalModel m, List<FeatureBatch> timed, int epochs, int timedEpochs,
            double scale, FloorWays floor) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("epochs", epochs);
        double[] seconds = new double[timedEpochs];
        double[] cpus = new double[timedEpochs];
        for (int epoch = 1; epoch <= epochs; epoch++) {
            int k = epoch - 1 - (epochs - timedEpochs);
            if (k == 0 && floor != null) {
                floor.warmUp();
            }
            ScalingEvaluation.Timer t = ScalingEvaluation.Timer.start();
            History h = m.fit(timed, 1, ProgressBar.toStderr());
            double cpu = t.cpuSeconds();
            if (epoch == 1) {
                e.put("first_epoch_seconds", h.last().seconds() * scale);
                e.put("first_epoch_cpu_seconds", cpu * scale);
            }
            if (k >= 0) {
                seconds[k] = h.last().seconds() * scale;
                cpus[k] = cpu * scale;
                if (floor != null) {
                    floor.pass(k, scale);
                }
            }
        }
        e.put("timed_epochs", timedEpochs);
        e.put("seconds_per_epoch", median(seconds));
        e.put("cpu_seconds_per_epoch", median(cpus));
        e.put("timed_epoch_seconds", seconds);
        return e;
    }

    /** The kernels of each trainer's floor, by backend: a trainer not here is reported without a floor. */
    static final Map<String, String> FLOOR_KERNELS = Map.of("nd4j", "OpenBLAS", "tensorflow", "TensorFlow");

    /** One way of doing a floor's work: its name, and the seconds it takes over the first n batches. */
    private record Way(String name, java.util.function.IntToDoubleFunction seconds) {
    }

    /** The floor of a trainer in its own kernels, or null for a trainer without one. */
    private FloorWays floorWays(String backend, CollapsedShapes shapes) {
        if (!FLOOR_KERNELS.containsKey(backend)) {
            return null;
        }
        return backend.equals("tensorflow") ? tensorFlowFloor(shapes) : openBlasFloor(shapes);
    }

    /** The ND4J trainer's floor ({@link CollapsedFloor}): each of its ways at one thread and at every core. */
    private FloorWays openBlasFloor(CollapsedShapes shapes) {
        int cores = Runtime.getRuntime().availableProcessors();
        CollapsedFloor floor = new CollapsedFloor(shapes);
        List<Way> ways = new java.util.ArrayList<>();
        for (CollapsedFloor.Way way : CollapsedFloor.Way.values()) {
            for (int threads : cores > 1 ? new int[] {1, cores} : new int[] {1}) {
                ways.add(new Way(way.name().toLowerCase(java.util.Locale.ROOT) + "_" + threads + "_threads",
                        n -> floor.seconds(way, threads, n)));
            }
        }
        return new FloorWays("OpenBLAS", ways, shapes, List.of(floor));
    }

    /**
     * The TensorFlow trainer's floor ({@link TfCollapsedFloor}): each way of cutting the rows, with
     * each of the kernels that make the exp, with TensorFlow's default threads and with one intra-op
     * thread and an inter-op thread per core, the latter only where TensorFlow gives a session its
     * own intra-op pool.
     */
    private FloorWays tensorFlowFloor(CollapsedShapes shapes) {
        int cores = Runtime.getRuntime().availableProcessors();
        boolean ownPools = TfCollapsedFloor.ownIntraOpPools();
        if (!ownPools) {
            log("TF_OVERRIDE_GLOBAL_THREADPOOL is not true: every TensorFlow session shares the trainer's"
                    + " intra-op pool, so the floor runs with TensorFlow's default threads only (scaling.sh sets it)");
        }
        TfCollapsedFloor byDefault = new TfCollapsedFloor(shapes, 0, 0);
        TfCollapsedFloor oneIntraOp = null;
        try {
            oneIntraOp = ownPools ? new TfCollapsedFloor(shapes, 1, cores) : null;
        } catch (RuntimeException e) {
            byDefault.close();
            throw e;
        }
        List<Way> ways = new java.util.ArrayList<>();
        for (TfCollapsedFloor.Blocks blocks : TfCollapsedFloor.Blocks.values()) {
            for (TfCollapsedFloor.Exp exp : TfCollapsedFloor.Exp.values()) {
                String name = (blocks.name() + "_" + exp.name()).toLowerCase(java.util.Locale.ROOT);
                ways.add(new Way(name + "_default_threads", n -> byDefault.seconds(blocks, exp, n)));
                if (oneIntraOp != null) {
                    TfCollapsedFloor own = oneIntraOp;
                    ways.add(new Way(name + "_1_intra_" + cores + "_inter_op_threads",
                            n -> own.seconds(blocks, exp, n)));
                }
            }
        }
        FloorWays f = new FloorWays("TensorFlow", ways, shapes, oneIntraOp == null ? List.of(byDefault)
                : List.of(byDefault, oneIntraOp));
        f.result.put("own_intra_op_pools", ownPools);
        return f;
    }

    /**
     * Every way of a floor, each timed over the batches once per timed epoch of the trainer, right
     * after it; each way's median is kept, and the fastest way is the floor.
     */
    private final class FloorWays implements AutoCloseable {
        private final String kernels;
        private final List<Way> ways;
        private final List<AutoCloseable> owned;
        private final Map<String, double[]> seconds = new LinkedHashMap<>();
        private final Map<String, double[]> cpus = new LinkedHashMap<>();
        private final Map<String, Object> result = new LinkedHashMap<>();
        private int passes;

        FloorWays(String kernels, List<Way> ways, CollapsedShapes shapes, List<AutoCloseable> owned) {
            this.kernels = kernels;
            this.ways = ways;
            this.owned = owned;
            result.put("kernels", kernels);
            result.put("mean_distinct_queries", shapes.meanQueries());
            result.put("mean_distinct_candidates", shapes.meanCandidates());
        }

        /** Threads started, buffers touched, the exp compiled. */
        void warmUp() {
            ways.forEach(w -> w.seconds().applyAsDouble(10));
        }

        /** The k-th timed pass of every way. */
        void pass(int k, double scale) {
            for (Way way : ways) {
                double[] sec = seconds.computeIfAbsent(way.name(), n -> new double[0]);
                double[] cpu = cpus.computeIfAbsent(way.name(), n -> new double[0]);
                ScalingEvaluation.Timer t = ScalingEvaluation.Timer.start();
                double s = way.seconds().applyAsDouble(Integer.MAX_VALUE) * scale;
                double c = t.cpuSeconds() * scale;
                seconds.put(way.name(), append(sec, s));
                cpus.put(way.name(), append(cpu, c));
            }
            passes = k + 1;
        }

        Map<String, Object> result() {
            Map<String, Object> timedWays = new LinkedHashMap<>();
            double best = Double.MAX_VALUE;
            for (Way way : ways) {
                double sec = median(seconds.get(way.name()));
                double cpu = median(cpus.get(way.name()));
                Map<String, Object> w = new LinkedHashMap<>();
                w.put("seconds_per_epoch", sec);
                w.put("cpu_seconds_per_epoch", cpu);
                w.put("timed_epoch_seconds", seconds.get(way.name()));
                timedWays.put(way.name(), w);
                log("%s floor %s: %.3f s/epoch, CPU %.3f s (median of %d)", kernels, way.name(), sec, cpu, passes);
                if (sec < best) {
                    best = sec;
                    result.put("way", way.name());
                    result.put("cpu_seconds_per_epoch", cpu);
                }
            }
            result.put("seconds_per_epoch", best);
            result.put("timed_epochs", passes);
            result.put("ways", timedWays);
            return result;
        }

        @Override
        public void close() {
            for (AutoCloseable c : owned) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing the " + kernels + " floor", e);
                }
            }
        }
    }

    private static double[] append(double[] values, double value) {
        double[] out = java.util.Arrays.copyOf(values, values.length + 1);
        out[values.length] = value;
        return out;
    }

    private void evaluate(RetrievalModel m, Split split, int[] userRows, int[] itemRows, StringLookup queries,
            StringLookup candidates) {
        int[] items = new int[itemRows.length];
        for (int r = 0; r < items.length; r++) {
            items[r] = itemRows[r] - 1; // candidate row - 1: every candidate comes from the data, none is OOV
        }
        RankingEvaluation ranking = ScalingEvaluation.protocol(userRows, items, split, queries.size(),
                candidates.size() - 1, s.evalUsers(), s.seed());
        Embeddings q = m.queryTower().embedIndices(ranking.users());
        Embeddings c = m.candidateTower().embed(candidates.vocabulary().toArray(String[]::new));
        out.put("eval_users", ranking.users().length);
        out.put("eval_items", c.rows());
        log("evaluating %,d users against %,d items", ranking.users().length, c.rows());
        out.put("eval_brute_force", ScalingEvaluation.bruteForce(ranking, q, c));
        out.put("eval_scann", ScalingEvaluation.scann(ranking, q, c));
    }

    private static Map<String, Object> timed(ScalingEvaluation.Timer t, long rows) {
        Map<String, Object> m = new LinkedHashMap<>();
        double seconds = t.seconds();
        m.put("seconds", seconds);
        m.put("cpu_seconds", t.cpuSeconds());
        m.put("rows_per_second", rows / seconds);
        return m;
    }

    /** MovieLens 25M's users per interaction, at any size: 162,541 at 25,000,095 (synth's default shape). */
    static int users(long rows) {
        return (int) Math.max(1, Math.round(162_541.0 * rows / 25_000_095L));
    }

    /** The CSV table as Parquet beside synth's directory (through DuckDB's COPY), once: later runs reuse it. */
    private void toParquet(Path csv, Path parquet) throws IOException {
        if (Files.isRegularFile(parquet)) {
            return;
        }
        log("writing %s", parquet);
        Path partial = parquet.resolveSibling(parquet.getFileName() + ".partial");
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement st = db.createStatement()) {
            st.execute("COPY (SELECT * FROM read_csv('" + csv + "', header = true)) TO '" + partial
                    + "' (FORMAT parquet)");
        } catch (SQLException e) {
            throw new IOException("writing " + parquet + " through DuckDB failed: " + e.getMessage(), e);
        }
        Files.move(partial, parquet, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private void log(String format, Object... args) {
        s.log().printf(java.util.Locale.ROOT, "[%tT, load %s] %s%n", System.currentTimeMillis(),
                ScalingBenchmark.loadAverage(), String.format(java.util.Locale.ROOT, format, args));
    }
}
