package org.recsys4j.metrics;

import java.util.BitSet;

/**
 * {@code coverage_at_K}: catalog coverage, the share of all candidate items that appear in at least
 * one evaluated user's first K recommendations. A model that shows everyone the same few items
 * scores low however accurate it is.
 */
public final class CoverageAtK extends UserRankingMetric {
    private final int numItems;
    private final BitSet[] seen;

    /** Coverage at each of {@code ks} of a catalog of {@code numItems} items. */
    public CoverageAtK(int numItems, int... ks) {
        super("coverage", ks);
        if (numItems < 1) {
            throw new IllegalArgumentException("coverage needs a catalog of at least one item, got " + numItems);
        }
        this.numItems = numItems;
        this.seen = new BitSet[this.ks.length];
        reset();
    }

    @Override
    public void update(int[] ranked, int[] relevant) {
        for (int i = 0; i < ks.length; i++) {
            int n = Math.min(ks[i], ranked.length);
            for (int j = 0; j < n; j++) {
                if (ranked[j] < 0 || ranked[j] >= numItems) {
                    throw new IllegalArgumentException("item " + ranked[j] + " is outside the catalog of " + numItems);
                }
                seen[i].set(ranked[j]);
            }
        }
    }

    @Override
    double value(int kIndex) {
        return (double) seen[kIndex].cardinality() / numItems;
    }

    @Override
    public void reset() {
        for (int i = 0; i < seen.length; i++) {
            seen[i] = new BitSet(numItems);
        }
    }
}
