package org.recsys4j.metrics;

/**
 * {@code recall_at_K}: the share of a user's relevant items among the first K recommended,
 * {@code hits / |relevant|}, averaged over users. Spark's {@code recallAt}; some papers divide by
 * {@code min(K, |relevant|)} instead, so that a user with more than K test items can reach 1.
 */
public final class RecallAtK extends UserRankingMetric.MeanOverUsers {
    /** Recall at each of {@code ks}. */
    public RecallAtK(int... ks) {
        super("recall", ks);
    }

    /** One user's recall at {@code k}. */
    public static double at(int[] ranked, int k, int[] relevant) {
        return (double) hits(ranked, k, relevant) / relevant.length;
    }

    @Override
    double of(int[] ranked, int k, int[] relevant) {
        return at(ranked, k, relevant);
    }
}
