package org.recsys4j.metrics;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Tower;

/**
 * A metric of each user's ranked list against the user's held-out items, at several cut-offs K:
 * the per-user ranking metrics of Spark's {@code RankingMetrics} and of most recommender papers.
 * Each {@link #update(int[], int[])} is one user: the top items a model ranks for them (their
 * training items already left out) and their relevant items (every test item of the user).
 *
 * <p>Items are dense codes (a candidate's row in the candidate table). Users with no relevant item
 * are not fed at all: {@link RankingEvaluation} evaluates the users that have test items, where
 * Spark would count an empty ground truth set as 0.
 *
 * <p>These metrics need whole users, not the per-example stream of the {@link Metric} batch
 * updates; rank users with {@link RankingEvaluation} (or feed ranked lists here directly).
 */
public abstract class UserRankingMetric implements Metric {
    private final String name;
    final int[] ks;

    UserRankingMetric(String name, int... ks) {
        this.name = name;
        this.ks = (ks.length == 0 ? RankingEvaluation.DEFAULT_KS : ks).clone();
        Arrays.sort(this.ks);
        if (this.ks[0] < 1) {
            throw new IllegalArgumentException("k must be positive: " + Arrays.toString(ks));
        }
    }

    /** The key of the value at {@code k}, e.g. {@code recall_at_10}. */
    public String metricName(int k) {
        return name + "_at_" + k;
    }

    /** The largest K: how long a ranked list this metric reads. */
    public int maxK() {
        return ks[ks.length - 1];
    }

    /**
     * Adds one user.
     *
     * @param ranked the user's recommendations, best first, at least {@link #maxK()} long unless
     *     fewer items were left to rank
     * @param relevant the user's relevant items, sorted ascending, distinct, not empty
     */
    public abstract void update(int[] ranked, int[] relevant);

    /** The value per K, in K order. */
    abstract double value(int kIndex);

    @Override
    public Map<String, Double> result() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < ks.length; i++) {
            out.put(metricName(ks[i]), value(i));
        }
        return out;
    }

    @Override
    public void update(Embeddings queries, Embeddings positives, Tower candidateTower) {
        throw new IllegalStateException(name + "_at_K is a per-user metric: it needs each user's ranked list and"
                + " relevant items, not one positive per example; evaluate with RankingEvaluation");
    }

    /** How many of the first {@code k} ranked items are relevant. */
    static int hits(int[] ranked, int k, int[] relevant) {
        int n = Math.min(k, ranked.length);
        int hits = 0;
        for (int i = 0; i < n; i++) {
            if (Arrays.binarySearch(relevant, ranked[i]) >= 0) {
                hits++;
            }
        }
        return hits;
    }

    static void checkRelevant(int[] relevant) {
        if (relevant.length == 0) {
            throw new IllegalArgumentException("a user with no relevant item has no ranking metric; leave them out");
        }
    }

    /** The mean over users of a per-user value: recall, precision, NDCG, average precision. */
    abstract static class MeanOverUsers extends UserRankingMetric {
        private final double[] sums;
        private long users;

        MeanOverUsers(String name, int... ks) {
            super(name, ks);
            this.sums = new double[this.ks.length];
        }

        /** This user's value at {@code k}. */
        abstract double of(int[] ranked, int k, int[] relevant);

        @Override
        public void update(int[] ranked, int[] relevant) {
            checkRelevant(relevant);
            for (int i = 0; i < ks.length; i++) {
                sums[i] += of(ranked, ks[i], relevant);
            }
            users++;
        }

        @Override
        double value(int kIndex) {
            return users == 0 ? 0.0 : sums[kIndex] / users;
        }

        @Override
        public void reset() {
            Arrays.fill(sums, 0);
            users = 0;
        }
    }
}
