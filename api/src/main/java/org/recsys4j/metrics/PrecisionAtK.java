package org.recsys4j.metrics;

/**
 * {@code precision_at_K}: the share of relevant items among the first K recommended,
 * {@code hits / K}, averaged over users. As Spark's {@code precisionAt}, the divisor stays K when
 * fewer than K items were left to recommend.
 */
public final class PrecisionAtK extends UserRankingMetric.MeanOverUsers {
    /** Precision at each of {@code ks}. */
    public PrecisionAtK(int... ks) {
        super("precision", ks);
    }

    /** One user's precision at {@code k}. */
    public static double at(int[] ranked, int k, int[] relevant) {
        return (double) hits(ranked, k, relevant) / k;
    }

    @Override
    double of(int[] ranked, int k, int[] relevant) {
        return at(ranked, k, relevant);
    }
}
