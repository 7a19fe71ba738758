package org.recsys4j.metrics;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.recsys4j.index.ScoredHeap;
import org.recsys4j.model.Embeddings;

/**
 * The per-user ranking protocol: every user with test items gets the top K of all candidate items,
 * the user's training items left out, and each {@link UserRankingMetric} reads those lists against
 * the user's test items (all relevant). The same protocol for a two-tower model (query and candidate
 * embeddings, ranked by dot product) and for any other scorer ({@link ItemScorer}: popularity,
 * item-kNN, EASE), so their numbers sit side by side.
 *
 * <p>Ties in score go to the lower item code. Embedding scores are computed in blocks (four users
 * against a tile of candidates, the candidates stored dimension-major) so that the inner loop is an
 * element-wise multiply-add the JIT vectorises; users are spread over the common fork-join pool.
 */
public final class RankingEvaluation {
    public static final int[] DEFAULT_KS = {10, 50, 100};
    private static final int USERS_PER_BLOCK = 4;
    private static final int TILE = 1024;
    /** Users ranked between metric updates: bounds the ranked lists held at once. */
    private static final int CHUNK = 4096;

    private final UserItems train;
    private final UserItems test;
    private final int[] users;
    private final List<UserRankingMetric> metrics;
    private final int maxK;

    /**
     * @param train each user's training items: left out of the user's ranking
     * @param test each user's test items: relevant; users without any are not evaluated
     */
    public RankingEvaluation(UserItems train, UserItems test, List<? extends UserRankingMetric> metrics) {
        if (train.numUsers() != test.numUsers() || train.numItems() != test.numItems()) {
            throw new IllegalArgumentException("train covers " + train.numUsers() + " users and " + train.numItems()
                    + " items, test " + test.numUsers() + " and " + test.numItems());
        }
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException("no metric to compute");
        }
        this.train = train;
        this.test = test;
        this.users = test.nonEmptyUsers();
        this.metrics = List.copyOf(metrics);
        this.maxK = this.metrics.stream().mapToInt(UserRankingMetric::maxK).max().orElseThrow();
    }

    /** recall, precision, NDCG, MAP and coverage at {@code ks} (default 10, 50, 100). */
    public static RankingEvaluation standard(UserItems train, UserItems test, int... ks) {
        return new RankingEvaluation(train, test, standardMetrics(train.numItems(), ks));
    }

    /** recall, precision, NDCG, MAP and coverage at {@code ks} (default 10, 50, 100). */
    public static List<UserRankingMetric> standardMetrics(int numItems, int... ks) {
        return List.of(new RecallAtK(ks), new PrecisionAtK(ks), new NdcgAtK(ks), new MapAtK(ks),
                new CoverageAtK(numItems, ks));
    }

    /** The evaluated users (those with test items), ascending: row i of the queries is user users()[i]. */
    public int[] users() {
        return users.clone();
    }

    /** Each user's training items, left out of their rankings. */
    public UserItems train() {
        return train;
    }

    /** Each user's test items, the relevant ones. */
    public UserItems test() {
        return test;
    }

    /** The number of items in the catalog ranked for each user. */
    public int numItems() {
        return train.numItems();
    }

    /**
     * Ranks candidates by dot product.
     *
     * @param queries one row per evaluated user, in {@link #users()} order
     * @param candidates one row per item code
     */
    public Map<String, Double> evaluate(Embeddings queries, Embeddings candidates) {
        if (queries.rows() != users.length) {
            throw new IllegalArgumentException(queries.rows() + " query rows for " + users.length + " evaluated users");
        }
        if (candidates.rows() != numItems() || candidates.dim() != queries.dim()) {
            throw new IllegalArgumentException("candidates " + candidates + " for " + numItems() + " items and queries "
                    + queries);
        }
        float[][][] tiles = tiles(candidates);
        return run((from, to, out) -> rankByDot(queries, tiles, candidates.rows(), from, to, out));
    }

    /** Ranks each user's scores from {@code scorer}. */
    public Map<String, Double> evaluate(ItemScorer scorer) {
        int m = numItems();
        return run((from, to, out) -> {
            float[] scores = new float[m];
            for (int r = from; r < to; r++) {
                Arrays.fill(scores, 0f);
                scorer.score(users[r], scores);
                excludeTraining(users[r], scores, 0, m);
                ScoredHeap top = new ScoredHeap(maxK);
                offer(top, scores, m, 0);
                out[r - from] = drain(top);
            }
        });
    }

    /** The metrics of ranked lists given directly, one per evaluated user in {@link #users()} order. */
    public Map<String, Double> evaluateRanked(int[][] ranked) {
        if (ranked.length != users.length) {
            throw new IllegalArgumentException(ranked.length + " ranked lists for " + users.length + " users");
        }
        return run((from, to, out) -> System.arraycopy(ranked, from, out, 0, to - from));
    }

    @FunctionalInterface
    private interface Ranker {
        /** Writes the ranked lists of evaluated users {@code [from, to)} into {@code out[0, to - from)}. */
        void rank(int from, int to, int[][] out);
    }

    private Map<String, Double> run(Ranker ranker) {
        metrics.forEach(Metric::reset);
        int[][] ranked = new int[Math.min(CHUNK, users.length)][];
        for (int from = 0; from < users.length; from += CHUNK) {
            int to = Math.min(users.length, from + CHUNK);
            int blocks = (to - from + USERS_PER_BLOCK - 1) / USERS_PER_BLOCK;
            int start = from;
            int end = to;
            IntStream.range(0, blocks).parallel().forEach(b -> {
                int f = start + b * USERS_PER_BLOCK;
                int t = Math.min(end, f + USERS_PER_BLOCK);
                int[][] part = new int[t - f][];
                ranker.rank(f, t, part);
                System.arraycopy(part, 0, ranked, f - start, t - f);
            });
            for (int r = from; r < to; r++) { // in user order: the sums come out the same on every run
                int[] relevant = test.items(users[r]);
                for (UserRankingMetric m : metrics) {
                    m.update(ranked[r - from], relevant);
                }
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        metrics.forEach(m -> out.putAll(m.result()));
        return out;
    }

    /** Marks user {@code u}'s training items in {@code [first, first + length)} with negative infinity. */
    private void excludeTraining(int u, float[] scores, int first, int length) {
        int[] flat = train.flat();
        int end = train.offset(u) + train.count(u);
        int k = Arrays.binarySearch(flat, train.offset(u), end, first);
        for (k = k < 0 ? -k - 1 : k; k < end && flat[k] < first + length; k++) {
            scores[flat[k] - first] = Float.NEGATIVE_INFINITY;
        }
    }

    /**
     * The candidates in tiles of {@link #TILE}, each dimension by dimension: {@code [tile][k][j]} is
     * element k of candidate {@code tile * TILE + j}. The scoring loop then reads a dimension's
     * column and writes the scores at the same index, which the JIT vectorises (with two offsets
     * into arrays that might be one, it could not rule out overlap; see index.ColumnMajor).
     */
    private static float[][][] tiles(Embeddings candidates) {
        int m = candidates.rows();
        int d = candidates.dim();
        float[] in = candidates.data();
        float[][][] out = new float[(m + TILE - 1) / TILE][d][TILE];
        for (int j = 0; j < m; j++) {
            float[][] tile = out[j / TILE];
            int at = j % TILE;
            for (int k = 0; k < d; k++) {
                tile[k][at] = in[j * d + k];
            }
        }
        return out;
    }

    /** Dot-product scores of up to four users at a time against each tile of candidates. */
    private void rankByDot(Embeddings queries, float[][][] tiles, int m, int from, int to, int[][] out) {
        int d = queries.dim();
        float[] q = queries.data();
        int n = to - from;
        float[][] s = new float[USERS_PER_BLOCK][TILE];
        float[] weights = new float[USERS_PER_BLOCK];
        ScoredHeap[] top = new ScoredHeap[n];
        for (int u = 0; u < n; u++) {
            top[u] = new ScoredHeap(maxK);
        }
        for (int t = 0; t < tiles.length; t++) {
            int t0 = t * TILE;
            int len = Math.min(TILE, m - t0);
            for (float[] row : s) {
                Arrays.fill(row, 0f);
            }
            float[] s0 = s[0];
            float[] s1 = s[1];
            float[] s2 = s[2];
            float[] s3 = s[3];
            for (int k = 0; k < d; k++) {
                for (int u = 0; u < USERS_PER_BLOCK; u++) {
                    weights[u] = u < n ? q[(from + u) * d + k] : 0f;
                }
                float w0 = weights[0];
                float w1 = weights[1];
                float w2 = weights[2];
                float w3 = weights[3];
                float[] column = tiles[t][k];
                for (int j = 0; j < TILE; j++) {
                    float c = column[j];
                    s0[j] += w0 * c;
                    s1[j] += w1 * c;
                    s2[j] += w2 * c;
                    s3[j] += w3 * c;
                }
            }
            for (int u = 0; u < n; u++) {
                excludeTraining(users[from + u], s[u], t0, len);
                offer(top[u], s[u], len, t0);
            }
        }
        for (int u = 0; u < n; u++) {
            out[u] = drain(top[u]);
        }
    }

    /**
     * Offers the scores {@code s[0, length)} of items {@code first, first + 1, ...}; excluded items
     * (negative infinity) and NaN never get in. Items arrive in ascending order, so on equal scores
     * the lower code stays, as a stable sort would order them.
     */
    private static void offer(ScoredHeap top, float[] s, int length, int first) {
        for (int j = 0; j < length; j++) {
            float v = s[j];
            if (v > Float.NEGATIVE_INFINITY && top.admits(v)) {
                top.offer(v, first + j);
            }
        }
    }

    private static int[] drain(ScoredHeap top) {
        return top.drainPositions(new float[top.size()]);
    }
}
