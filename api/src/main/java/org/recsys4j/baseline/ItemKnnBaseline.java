package org.recsys4j.baseline;

import org.recsys4j.metrics.UserItems;

/**
 * Item-based nearest neighbours with cosine similarity over the binary user x item matrix:
 * sim(a, b) = |users with a and b| / sqrt(|users with a| |users with b|), an item not its own
 * neighbour, and every item a neighbour (no truncation to the k nearest). A user's score for an item
 * is its summed similarity to the user's training items.
 */
public final class ItemKnnBaseline {
    private ItemKnnBaseline() {
    }

    /** Fits item-kNN to the training users' items. */
    public static ItemItemModel fit(UserItems train) {
        int m = train.numItems();
        ItemItemModel.checkSize("item-kNN", m);
        double[][] g = ItemItemModel.cooccurrence(train);
        double[] norm = new double[m];
        for (int i = 0; i < m; i++) {
            norm[i] = Math.sqrt(g[i][i]);
        }
        float[][] w = new float[m][m];
        for (int a = 0; a < m; a++) {
            for (int b = 0; b < m; b++) {
                if (a != b && g[a][b] != 0) {
                    w[a][b] = (float) (g[a][b] / (norm[a] * norm[b]));
                }
            }
        }
        return new ItemItemModel(train, w);
    }
}
