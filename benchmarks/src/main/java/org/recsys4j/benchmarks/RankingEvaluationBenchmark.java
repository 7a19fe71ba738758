package org.recsys4j.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.recsys4j.metrics.RankingEvaluation;
import org.recsys4j.metrics.UserItems;
import org.recsys4j.model.Embeddings;

/**
 * The per-user ranking metrics at scale: {@code users} test users against {@code items} candidates
 * (issue 13's goal: 20,000 users against 59,047 items in at most 10 s), each user with 100
 * training items left out and 20 test items, random embeddings. Prints the seconds of each of
 * {@code repeats} runs (the first includes the JIT's warm-up) and the load average.
 *
 * <pre>
 * java -cp "benchmarks/target/recsys4j-benchmarks-0.1.0-SNAPSHOT.jar:benchmarks/target/lib/*" \
 *   org.recsys4j.benchmarks.RankingEvaluationBenchmark 20000 59047 32 3
 * </pre>
 */
public final class RankingEvaluationBenchmark {
    private RankingEvaluationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int users = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int items = args.length > 1 ? Integer.parseInt(args[1]) : 59_047;
        int dim = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        Random random = new Random(1);
        int trainPer = 100;
        int testPer = 20;
        int[] u = new int[users * (trainPer + testPer)];
        int[] i = new int[u.length];
        int[] trainRows = new int[users * trainPer];
        int[] testRows = new int[users * testPer];
        int r = 0;
        int a = 0;
        int b = 0;
        for (int user = 0; user < users; user++) {
            for (int k = 0; k < trainPer + testPer; k++, r++) {
                u[r] = user;
                i[r] = random.nextInt(items);
                if (k < trainPer) {
                    trainRows[a++] = r;
                } else {
                    testRows[b++] = r;
                }
            }
        }
        RankingEvaluation evaluation = RankingEvaluation.standard(UserItems.of(u, i, trainRows, users, items),
                UserItems.of(u, i, testRows, users, items));
        Embeddings queries = gaussian(random, evaluation.users().length, dim);
        Embeddings candidates = gaussian(random, items, dim);
        System.out.printf(Locale.ROOT, "%,d users x %,d items, dimension %d, top 100; %d processors, load average %s%n",
                users, items, dim, Runtime.getRuntime().availableProcessors(), loadAverage());
        for (int rep = 1; rep <= repeats; rep++) {
            long cpuStart = cpuNanos();
            long start = System.nanoTime();
            Map<String, Double> m = evaluation.evaluate(queries, candidates);
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpu = (cpuNanos() - cpuStart) / 1e9;
            System.out.printf(Locale.ROOT, "run %d: %.2f s (%.2f GMAC/s of scoring), %.2f s of CPU time, recall_at_100"
                    + " %.4f, load average %s%n", rep, seconds, (double) users * items * dim / seconds / 1e9, cpu,
                    m.get("recall_at_100"), loadAverage());
        }
    }

    private static Embeddings gaussian(Random random, int rows, int dim) {
        float[] d = new float[rows * dim];
        for (int k = 0; k < d.length; k++) {
            d[k] = (float) random.nextGaussian();
        }
        return new Embeddings(d, rows, dim);
    }

    /** The process's CPU time: on a shared machine, what the run would take alone is about this over the cores. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
