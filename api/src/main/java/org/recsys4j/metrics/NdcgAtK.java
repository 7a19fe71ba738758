package org.recsys4j.metrics;

import java.util.Arrays;

/**
 * {@code ndcg_at_K}: binary-relevance NDCG, as Spark's {@code ndcgAt} without relevance values and
 * as the usual papers define it: DCG = sum over the first K positions i (from 0) of
 * [item i relevant] / log2(i + 2), divided by the ideal DCG, that of min(K, |relevant|) relevant
 * items on top. Averaged over users.
 */
public final class NdcgAtK extends UserRankingMetric.MeanOverUsers {
    /** NDCG at each of {@code ks}. */
    public NdcgAtK(int... ks) {
        super("ndcg", ks);
    }

    private static double discount(int position) {
        return 1.0 / (Math.log(position + 2) / Math.log(2));
    }

    /** One user's NDCG at {@code k}. */
    public static double at(int[] ranked, int k, int[] relevant) {
        double dcg = 0;
        int n = Math.min(k, ranked.length);
        for (int i = 0; i < n; i++) {
            if (Arrays.binarySearch(relevant, ranked[i]) >= 0) {
                dcg += discount(i);
            }
        }
        double ideal = 0;
        int m = Math.min(k, relevant.length);
        for (int i = 0; i < m; i++) {
            ideal += discount(i);
        }
        return dcg / ideal;
    }

    @Override
    double of(int[] ranked, int k, int[] relevant) {
        return at(ranked, k, relevant);
    }
}
