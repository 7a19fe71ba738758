package org.recsys4j.metrics;

import java.util.Arrays;

/**
 * {@code map_at_K}: mean average precision at K, as Spark's {@code meanAveragePrecisionAt}: a
 * user's average precision is the sum, over the relevant items among the first K recommended, of
 * the precision at that position, divided by min(K, |relevant|); averaged over users. (Some papers
 * divide by |relevant|, which caps a user with more than K test items below 1.)
 */
public final class MapAtK extends UserRankingMetric.MeanOverUsers {
    /** MAP at each of {@code ks}. */
    public MapAtK(int... ks) {
        super("map", ks);
    }

    /** One user's average precision at {@code k}. */
    public static double at(int[] ranked, int k, int[] relevant) {
        int n = Math.min(k, ranked.length);
        int hits = 0;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (Arrays.binarySearch(relevant, ranked[i]) >= 0) {
                hits++;
                sum += (double) hits / (i + 1);
            }
        }
        return sum / Math.min(k, relevant.length);
    }

    @Override
    double of(int[] ranked, int k, int[] relevant) {
        return at(ranked, k, relevant);
    }
}
