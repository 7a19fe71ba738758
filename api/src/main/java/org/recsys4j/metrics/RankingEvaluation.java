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
 * against a tile of candidates, the candidates stored dimension-major: {@link CandidateTiles}) so
 * that the inner loop is an element-wise multiply-add the JIT vectorises; tasks of 32 users are
 * spread over the common fork-join pool.
 */
public final class RankingEvaluation {
    public static final int[] DEFAULT_KS = {10, 50, 100};
    /** Users per task of the fork-join pool: enough to read each tile of candidates from cache eight times. */
    private static final int USERS_PER_TASK = 32;
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
        CandidateTiles tiles = new CandidateTiles(candidates);
        return run((from, to, out) -> rankByDot(queries.data(), tiles, from, to, out));
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
            int blocks = (to - from + USERS_PER_TASK - 1) / USERS_PER_TASK;
            int start = from;
            int end = to;
            IntStream.range(0, blocks).parallel().forEach(b -> {
                int f = start + b * USERS_PER_TASK;
                int t = Math.min(end, f + USERS_PER_TASK);
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
     * Dot-product scores of users {@code [from, to)}: for each tile of candidates, every group of
     * four users in turn (so the tile is read from cache, not memory, by all but the first group),
     * their training items set to minus infinity, the rest offered to each user's heap.
     */
    private void rankByDot(float[] q, CandidateTiles tiles, int from, int to, int[][] out) {
        int n = to - from;
        float[][] s = new float[CandidateTiles.GROUP][CandidateTiles.TILE];
        ScoredHeap[] top = new ScoredHeap[n];
        for (int u = 0; u < n; u++) {
            top[u] = new ScoredHeap(maxK);
        }
        for (int t = 0; t < tiles.count(); t++) {
            int t0 = t * CandidateTiles.TILE;
            int len = tiles.length(t);
            for (int g = 0; g < n; g += CandidateTiles.GROUP) {
                int size = Math.min(CandidateTiles.GROUP, n - g);
                tiles.score(t, q, from + g, size, s);
                for (int u = 0; u < size; u++) {
                    excludeTraining(users[from + g + u], s[u], t0, len);
                    offer(top[g + u], s[u], len, t0);
                }
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
        // the heap's bar (minus infinity while it has room) in a local: one compare per score
        float bar = top.bar();
        for (int j = 0; j < length; j++) {
            float v = s[j];
            if (v >= bar && v > Float.NEGATIVE_INFINITY) {
                top.offer(v, first + j);
                bar = top.bar();
            }
        }
    }

    private static int[] drain(ScoredHeap top) {
        return top.drainPositions(new float[top.size()]);
    }
}
