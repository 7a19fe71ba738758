package org.recsys4j.benchmarks;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.recsys4j.index.ScannIndex;
import org.recsys4j.index.ScannParameters;
import org.recsys4j.index.TopK;
import org.recsys4j.metrics.RankingEvaluation;
import org.recsys4j.metrics.UserItems;
import org.recsys4j.model.Embeddings;
import org.recsys4j.split.Split;

/**
 * The per-user ranking metrics over every item, timed two ways: brute force (every item scored,
 * {@link RankingEvaluation#evaluate(Embeddings, Embeddings)}) and through a ScaNN index (each user's
 * top 100 plus as many as the user has training items, which are then left out). At most
 * {@code maxUsers} test users, a seeded sample: issue 13's goal is 20,000 users against 59,047
 * items in at most 10 s.
 */
final class ScalingEvaluation {
    private ScalingEvaluation() {
    }

    /**
     * @param users each row's query row (vocabulary row), items each row's item code (candidate row - 1)
     * @param numUsers query vocabulary size, numItems the items that candidates embeds
     */
    static RankingEvaluation protocol(int[] users, int[] items, Split split, int numUsers, int numItems,
            int maxUsers, long seed) {
        UserItems train = UserItems.of(users, items, split.train(), numUsers, numItems);
        int[] testUsers = UserItems.of(users, items, split.test(), numUsers, numItems).nonEmptyUsers();
        boolean[] chosen = new boolean[numUsers];
        java.util.Random random = new java.util.Random(seed);
        for (int k = testUsers.length - 1; k > 0 && testUsers.length > maxUsers; k--) {
            int j = random.nextInt(k + 1);
            int t = testUsers[k];
            testUsers[k] = testUsers[j];
            testUsers[j] = t;
        }
        for (int k = 0; k < Math.min(maxUsers, testUsers.length); k++) {
            chosen[testUsers[k]] = true;
        }
        int[] testRows = Arrays.stream(split.test()).filter(r -> chosen[users[r]]).toArray();
        return RankingEvaluation.standard(train, UserItems.of(users, items, testRows, numUsers, numItems));
    }

    /** Brute force: seconds, CPU seconds and the metrics. */
    static Map<String, Object> bruteForce(RankingEvaluation ranking, Embeddings queries, Embeddings candidates) {
        Timer t = Timer.start();
        Map<String, Double> m = ranking.evaluate(queries, candidates);
        return t.stop(m);
    }

    /** ScaNN (TFRS's defaults, 100 leaves, 10 searched): the index's build, then the search and the metrics. */
    static Map<String, Object> scann(RankingEvaluation ranking, Embeddings queries, Embeddings candidates) {
        Timer build = Timer.start();
        List<String> ids = IntStream.range(0, candidates.rows()).mapToObj(Integer::toString).toList();
        ScannIndex index = new ScannIndex(ScannParameters.defaults()).index(ids, candidates);
        double buildSeconds = build.seconds();
        Timer t = Timer.start();
        int[] users = ranking.users();
        UserItems train = ranking.train();
        int[][] ranked = new int[users.length][];
        int d = queries.dim();
        IntStream.range(0, users.length).parallel().forEach(r -> {
            float[] q = Arrays.copyOfRange(queries.data(), r * d, (r + 1) * d);
            int seen = train.count(users[r]);
            TopK top = index.search(q, Math.min(candidates.rows(), 100 + seen), java.util.Set.of());
            int[] own = train.items(users[r]);
            int[] out = new int[Math.min(100, top.size())];
            int n = 0;
            for (String id : top.identifiers()) {
                int item = Integer.parseInt(id);
                if (n < out.length && Arrays.binarySearch(own, item) < 0) {
                    out[n++] = item;
                }
            }
            ranked[r] = Arrays.copyOf(out, n);
        });
        Map<String, Object> out = t.stop(ranking.evaluateRanked(ranked));
        out.put("index_build_seconds", buildSeconds);
        return out;
    }

    /** Wall and CPU seconds of one measured piece. */
    record Timer(long wall, long cpu) {
        static Timer start() {
            return new Timer(System.nanoTime(), cpuNanos());
        }

        double seconds() {
            return (System.nanoTime() - wall) / 1e9;
        }

        double cpuSeconds() {
            return (cpuNanos() - cpu) / 1e9;
        }

        Map<String, Object> stop(Map<String, Double> metrics) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("seconds", seconds());
            out.put("cpu_seconds", cpuSeconds());
            out.put("recall_at_100", metrics.get("recall_at_100"));
            out.put("ndcg_at_10", metrics.get("ndcg_at_10"));
            return out;
        }

        /** CPU time of the whole process, every thread: what other processes' load does not inflate. */
        static long cpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getProcessCpuTime();
        }
    }
}
