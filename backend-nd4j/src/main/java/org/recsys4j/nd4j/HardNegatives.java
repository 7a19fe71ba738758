package org.recsys4j.nd4j;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * TFRS's hard-negative mining on a plain batch (row i is example i, its positive column i): each
 * row keeps its positive and its k highest other logits, the rest are masked before exp(). Ties at
 * the boundary go to the lower column, as {@code tf.nn.top_k} orders them. With accidental hits
 * removed, the other columns of the positive's candidate are masked first and never picked.
 */
final class HardNegatives {
    /** A masked score: exp() of it, after any shift, is exactly 0 in float. */
    private static final float MASKED = -1e30f;

    private final int k;
    private final int[] columnIds;
    private final boolean removeAccidentalHits;
    /** Each column's log weight, added to its scores to make the logits ranked. */
    private final float[] logWeight;

    HardNegatives(int k, int[] columnIds, boolean removeAccidentalHits, float[] columnLogWeight) {
        this.k = k;
        this.columnIds = columnIds;
        this.removeAccidentalHits = removeAccidentalHits;
        this.logWeight = columnLogWeight;
    }

    /** Masks, in place, the scores of {@code block} (rows from {@code firstRow}) that fall out of each row's top k. */
    void keepHardest(INDArray block, int firstRow) {
        int rows = (int) block.rows();
        int c = (int) block.columns();
        float[] v = NativeFloats.copy(block);
        float[] others = new float[c];
        for (int r = 0; r < rows; r++) {
            int row = firstRow + r;
            int base = r * c;
            int n = 0;
            for (int j = 0; j < c; j++) {
                if (j != row && !accidental(row, j)) {
                    others[n++] = v[base + j] + logWeight[j];
                }
            }
            if (k >= n) {
                maskAccidental(v, base, row, c);
                continue;
            }
            float threshold = kthLargest(others, n, k);
            int above = 0;
            for (int j = 0; j < c; j++) {
                if (j != row && !accidental(row, j) && v[base + j] + logWeight[j] > threshold) {
                    above++;
                }
            }
            int tiesLeft = k - above;
            for (int j = 0; j < c; j++) {
                if (j == row) {
                    continue;
                }
                float logit = v[base + j] + logWeight[j];
                boolean keep = !accidental(row, j) && (logit > threshold || (logit == threshold && tiesLeft-- > 0));
                if (!keep) {
                    v[base + j] = MASKED;
                }
            }
        }
        NativeFloats.write(block, v);
    }

    private boolean accidental(int row, int column) {
        return removeAccidentalHits && column != row && columnIds[column] == columnIds[row];
    }

    private void maskAccidental(float[] v, int base, int row, int c) {
        for (int j = 0; j < c; j++) {
            if (accidental(row, j)) {
                v[base + j] = MASKED;
            }
        }
    }

    /** The k-th largest of the first n values (1-based k), by quickselect; reorders them. */
    static float kthLargest(float[] a, int n, int k) {
        int lo = 0;
        int hi = n - 1;
        int target = k - 1;
        while (lo < hi) {
            float pivot = a[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] > pivot) {
                    i++;
                }
                while (a[j] < pivot) {
                    j--;
                }
                if (i <= j) {
                    float t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (target <= j) {
                hi = j;
            } else if (target >= i) {
                lo = i;
            } else {
                return a[target];
            }
        }
        return a[target];
    }
}
