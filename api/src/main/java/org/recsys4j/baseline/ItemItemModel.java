package org.recsys4j.baseline;

import java.util.stream.IntStream;
import org.recsys4j.metrics.ItemScorer;
import org.recsys4j.metrics.UserItems;

/**
 * What item-kNN and EASE share: a dense items x items weight matrix W, learned from the training
 * interactions (binary: a user either has an item or not), and a user's scores x_u W, the sum of
 * W's rows over the user's training items.
 *
 * <p>W is dense, so the catalog is bounded ({@link #MAX_ITEMS}); these are baselines for
 * MovieLens-sized catalogs, not for millions of items.
 */
public final class ItemItemModel implements ItemScorer {
    /** 10,000 items: an items x items matrix of doubles is then 800 MB while it is learned. */
    public static final int MAX_ITEMS = 10_000;

    private final UserItems train;
    private final float[][] weights;

    ItemItemModel(UserItems train, float[][] weights) {
        this.train = train;
        this.weights = weights;
    }

    @Override
    public void score(int user, float[] out) {
        for (int i : train.items(user)) {
            float[] row = weights[i];
            for (int j = 0; j < out.length; j++) {
                out[j] += row[j];
            }
        }
    }

    /** W's entry for (from, to). */
    public float weight(int from, int to) {
        return weights[from][to];
    }

    static void checkSize(String model, int items) {
        if (items > MAX_ITEMS) {
            throw new IllegalArgumentException(model + " learns a dense items x items matrix: at most " + MAX_ITEMS
                    + " items, and this catalog has " + items);
        }
    }

    /** X^T X of the binary user x item matrix: how many users have both items (the diagonal: each item's count). */
    static double[][] cooccurrence(UserItems train) {
        int m = train.numItems();
        double[][] g = new double[m][m];
        for (int u = 0; u < train.numUsers(); u++) {
            int[] items = train.items(u);
            for (int a : items) {
                double[] row = g[a];
                for (int b : items) {
                    row[b] += 1;
                }
            }
        }
        return g;
    }

    /**
     * Inverts a symmetric positive definite matrix in place by Gauss-Jordan elimination (no
     * pivoting is needed for such a matrix); rows are updated in parallel.
     */
    static void invertInPlace(double[][] a) {
        int m = a.length;
        for (int p = 0; p < m; p++) {
            double[] pivotRow = a[p];
            double pivot = pivotRow[p];
            if (!(pivot > 0)) {
                throw new IllegalArgumentException("the matrix is not positive definite (pivot " + p + " is " + pivot
                        + ")");
            }
            double scale = 1.0 / pivot;
            pivotRow[p] = 1.0;
            for (int j = 0; j < m; j++) {
                pivotRow[j] *= scale;
            }
            int pp = p;
            IntStream.range(0, m).parallel().forEach(i -> {
                if (i == pp) {
                    return;
                }
                double[] row = a[i];
                double f = row[pp];
                if (f == 0) {
                    return;
                }
                row[pp] = 0;
                for (int j = 0; j < m; j++) {
                    row[j] -= f * pivotRow[j];
                }
            });
        }
    }
}
