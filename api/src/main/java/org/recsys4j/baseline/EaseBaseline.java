package org.recsys4j.baseline;

import org.recsys4j.metrics.UserItems;

/**
 * EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019): the item x item
 * weights B that best reconstruct the binary user x item matrix X from itself, with an L2 penalty
 * lambda and a zero diagonal, in closed form: P = (X^T X + lambda I)^-1, B = -P / diag(P) column
 * by column, diag(B) = 0. A user's scores are x_u B.
 */
public final class EaseBaseline {
    private EaseBaseline() {
    }

    /** Fits EASE to the training users' items, with L2 strength {@code lambda} (a positive number). */
    public static ItemItemModel fit(UserItems train, double lambda) {
        if (!(lambda > 0) || !Double.isFinite(lambda)) {
            throw new IllegalArgumentException("EASE's lambda must be a positive number, got " + lambda);
        }
        int m = train.numItems();
        ItemItemModel.checkSize("EASE", m);
        double[][] p = ItemItemModel.cooccurrence(train);
        for (int i = 0; i < m; i++) {
            p[i][i] += lambda;
        }
        ItemItemModel.invertInPlace(p);
        float[][] b = new float[m][m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                b[i][j] = i == j ? 0f : (float) (-p[i][j] / p[j][j]);
            }
        }
        return new ItemItemModel(train, b);
    }
}
