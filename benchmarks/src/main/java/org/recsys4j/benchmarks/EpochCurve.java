package org.recsys4j.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.recsys4j.data.CategoricalColumn;
import org.recsys4j.data.Interactions;
import org.recsys4j.metrics.RankingEvaluation;
import org.recsys4j.metrics.UserItems;
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
import org.recsys4j.train.Progress;
import org.recsys4j.train.RetrievalModel;
import org.recsys4j.vocab.StringLookup;

/**
 * The ranking metrics of a plain two-tower model (user id, item id) after every epoch, in one
 * process, on a {@code recsys4j synth} table under {@code last:0.2}: what tuning the Spark
 * comparison's configuration needs (how many epochs, which rank, L2, batch size), since
 * {@code compare-als} fits each setting from scratch. Every test user is ranked over every item,
 * training items left out ({@link RankingEvaluation}, as {@code recsys4j train} reports). Also
 * the wall and CPU seconds of each epoch (every thread of the process), and with {@code steps=N}
 * only the first N steps, timed twice, and no metrics: the trainer's CPU seconds per step.
 *
 * <pre>
 * java -cp "benchmarks/target/recsys4j-benchmarks-0.1.0-SNAPSHOT.jar:benchmarks/target/lib/*" \
 *     org.recsys4j.benchmarks.EpochCurve synth1m/interactions.csv rank=64 epochs=4 l2=0.01 batch=2048
 * </pre>
 *
 * <p>Keys (defaults): rank (64), epochs (3), batch (8192), lr (0.1), temperature (1), l2 (0), logq
 * (true), bias (false: a learned per-item score bias), normalize (false: cosine scores), backend
 * (nd4j), threads (the backend's default), steps (0: whole epochs), seed (42), extra (0: in-batch
 * negatives only; -1 every item as a negative too, a full softmax), l2table (0: Keras-style L2 on the
 * whole embedding tables).
 */
public final class EpochCurve {
    private EpochCurve() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            o.put(kv[0], kv[1]);
        }
        int rank = Integer.parseInt(o.getOrDefault("rank", "64"));
        int epochs = Integer.parseInt(o.getOrDefault("epochs", "3"));
        int batchSize = Integer.parseInt(o.getOrDefault("batch", "8192"));
        int maxSteps = Integer.parseInt(o.getOrDefault("steps", "0"));
        long seed = Long.parseLong(o.getOrDefault("seed", "42"));
        RetrievalTaskSpec task = new RetrievalTaskSpec(Double.parseDouble(o.getOrDefault("temperature", "1")),
                Double.parseDouble(o.getOrDefault("l2", "0")))
                .withExtraNegatives(Integer.parseInt(o.getOrDefault("extra", "0")))
                .withL2PerTable(Double.parseDouble(o.getOrDefault("l2table", "0")));
        Table t = Table.read(Path.of(args[0]));
        Split split = SplitSpec.parse("last:0.2").apply(t.size(), t.users.codes(), t.times, seed);
        Interactions all = Interactions.builder().categorical("user", t.users).categorical("item", t.items).build();
        Interactions train = all.select(split.train());
        StringLookup users = StringLookup.ofUnique(t.users.dictionary());
        StringLookup items = StringLookup.ofUnique(t.items.dictionary());
        boolean normalize = Boolean.parseBoolean(o.getOrDefault("normalize", "false"));
        RetrievalSpec spec = new RetrievalSpec(TowerSpec.embedding("query", "user", users.size(), rank)
                .withNormalize(normalize), TowerSpec.embedding("candidate", "item", items.size(), rank)
                .withNormalize(normalize), task);
        if (Boolean.parseBoolean(o.getOrDefault("bias", "false"))) {
            spec = spec.withCandidateBias();
        }
        Map<String, StringLookup> vocabularies = new LinkedHashMap<>();
        vocabularies.put("user", users);
        vocabularies.put("item", items);
        RankingEvaluation ranking = ranking(all, split, users, items);
        Map<String, String> options = new LinkedHashMap<>();
        if (o.containsKey("threads")) {
            options.put("threads", o.get("threads"));
        }
        System.out.printf(Locale.ROOT, "%s: %d training rows, %d test users; %s; load average %s%n", args[0],
                split.train().length, ranking.users().length, o, loadAverage());
        try (RetrievalModel model = new RetrievalModel(spec, vocabularies, new Retrieval(task, List.of()),
                Backends.get(o.getOrDefault("backend", "nd4j")), new Adagrad(Double.parseDouble(
                        o.getOrDefault("lr", "0.1"))), seed, new BackendOptions(options))) {
            model.computeTrainingMetrics(false);
            if (Boolean.parseBoolean(o.getOrDefault("logq", "true"))) {
                model.logQCorrection(train);
            }
            // the seeded order of the Spark estimator's driver training (DriverTraining.batches)
            List<FeatureBatch> batches = model.batches(train.select(Interactions.permutation(train.size(), seed)),
                    batchSize);
            if (maxSteps > 0) {
                batches = batches.subList(0, Math.min(maxSteps, batches.size()));
                epochs = 2; // the first includes warm-up
            }
            String[] itemRows = items.vocabulary().toArray(String[]::new);
            for (int e = 1; e <= epochs; e++) {
                long cpu = cpuNanos();
                long t0 = System.nanoTime();
                model.fit(batches, 1, Progress.silent());
                double wall = (System.nanoTime() - t0) / 1e9;
                double cpuSeconds = (cpuNanos() - cpu) / 1e9;
                if (maxSteps > 0) {
                    System.out.printf(Locale.ROOT, "pass %d, %d steps: %.3f s a step, %.3f CPU s a step; load"
                            + " average %s%n", e, batches.size(), wall / batches.size(), cpuSeconds / batches.size(),
                            loadAverage());
                    continue;
                }
                Map<String, Double> m = ranking.evaluate(model.queryTower().embedIndices(ranking.users()),
                        model.candidateTower().embed(itemRows));
                System.out.printf(Locale.ROOT, "epoch %d (%d steps): %.1f s, CPU %.1f s; recall@100 %.4f, ndcg@10"
                        + " %.4f, map@10 %.4f; load average %s%n", e, batches.size(), wall, cpuSeconds,
                        m.get("recall_at_100"), m.get("ndcg_at_10"), m.get("map_at_10"), loadAverage());
            }
        }
    }

    /** Users and items as vocabulary rows (item code = candidate row - 1), as {@code recsys4j train} ranks them. */
    private static RankingEvaluation ranking(Interactions all, Split split, StringLookup users, StringLookup items) {
        int[] u = all.categorical("user").lookup(users);
        int[] i = all.categorical("item").lookup(items);
        for (int r = 0; r < i.length; r++) {
            i[r]--;
        }
        return RankingEvaluation.standard(UserItems.of(u, i, split.train(), users.size(), items.size() - 1),
                UserItems.of(u, i, split.test(), users.size(), items.size() - 1));
    }

    /** A synth table: user_id,item_id,timestamp with a header line. */
    private record Table(CategoricalColumn users, CategoricalColumn items, long[] times) {
        int size() {
            return times.length;
        }

        static Table read(Path csv) throws IOException {
            List<String> u = new ArrayList<>();
            List<String> i = new ArrayList<>();
            List<Long> t = new ArrayList<>();
            try (BufferedReader in = Files.newBufferedReader(csv)) {
                String header = in.readLine();
                if (header == null || !header.equals("user_id,item_id,timestamp")) {
                    throw new IOException(csv + ": expected the header user_id,item_id,timestamp (recsys4j synth's),"
                            + " got " + header);
                }
                int line = 1;
                for (String s = in.readLine(); s != null; s = in.readLine()) {
                    line++;
                    String[] f = s.split(",");
                    if (f.length != 3) {
                        throw new IOException(csv + ", line " + line + ": expected 3 fields, got " + f.length);
                    }
                    u.add(f[0]);
                    i.add(f[1]);
                    t.add(Long.parseLong(f[2]));
                }
            }
            return new Table(CategoricalColumn.encode(u.toArray(String[]::new)),
                    CategoricalColumn.encode(i.toArray(String[]::new)), t.stream().mapToLong(Long::longValue)
                            .toArray());
        }
    }

    /** CPU time of every thread of this process, from /proc/self/stat (utime + stime, in clock ticks of 10 ms). */
    private static long cpuNanos() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
    }

    private static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }
}
