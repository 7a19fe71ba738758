package org.recsys4j.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * NDCG at k with graded relevance: {@code DCG = sum_i gain(item_i) / log2(i + 2)} over the first k
 * positions (from 0), divided by the DCG of the best possible order of the user's graded items.
 * With the test ratings as gains (1 to 5) it asks whether a list puts what the user rated highly
 * on top; an item the user did not rate gains 0.
 */
public final class GradedNdcg {
    private GradedNdcg() {
    }

    /** One list's NDCG at {@code k}; 0 when the user has no item of positive gain. */
    public static double at(List<String> ranked, Map<String, Double> gains, int k) {
        double dcg = 0;
        int n = Math.min(k, ranked.size());
        for (int i = 0; i < n; i++) {
            Double g = gains.get(ranked.get(i));
            if (g != null) {
                dcg += g / log2(i + 2);
            }
        }
        double[] best = gains.values().stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(best);
        double ideal = 0;
        for (int i = 0; i < Math.min(k, best.length); i++) {
            ideal += best[best.length - 1 - i] / log2(i + 2);
        }
        return ideal > 0 ? dcg / ideal : 0;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
