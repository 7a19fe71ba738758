package org.recsys4j.metrics;

import java.util.Arrays;
import org.recsys4j.model.Embeddings;

/**
 * Every candidate embedding in tiles of {@link #TILE} candidates, each tile stored dimension by
 * dimension ({@code [tile][k][j]} is element k of candidate {@code tile * TILE + j}, zero past the
 * last candidate), and the kernel that scores a group of {@link #GROUP} users against one tile.
 *
 * <p>Why this shape: the kernel's inner loop reads a few dimensions' columns and writes the scores
 * at the same index j, which the JIT vectorises (with two offsets into arrays that might be one, it
 * could not rule out overlap; see index.ColumnMajor). Two dimensions per pass and four users per
 * group make each column load serve four users and each score load and store two multiply-adds,
 * where one dimension per pass spent most of the time on loads and stores (about half the
 * CPU time at 20,000 users x 59,047 items). Four dimensions per pass would be faster still, but its
 * loop body is past what C2 unrolls, and so vectorises, by default ({@code -XX:LoopUnrollLimit}).
 * A tile (128 KB at dimension 32) stays in the core's cache while all the users of a task are
 * scored against it.
 * The sums are taken in the order of a plain loop over k ({@code s = s + q[k] * c[k]}, each
 * product and sum rounded to float: Java does not fuse or reorder them), so the scores, and with
 * them the rankings and ties, are bit for bit those of the straightforward dot product.
 */
final class CandidateTiles {
    static final int TILE = 1024;
    /** Users scored together against a tile. */
    static final int GROUP = 4;

    private final float[][][] tiles;
    private final int rows;
    private final int dim;

    CandidateTiles(Embeddings candidates) {
        rows = candidates.rows();
        dim = candidates.dim();
        float[] in = candidates.data();
        tiles = new float[(rows + TILE - 1) / TILE][dim][TILE];
        for (int j = 0; j < rows; j++) {
            float[][] tile = tiles[j / TILE];
            int at = j % TILE;
            for (int k = 0; k < dim; k++) {
                tile[k][at] = in[j * dim + k];
            }
        }
    }

    int count() {
        return tiles.length;
    }

    /** The number of real candidates in tile {@code t}. */
    int length(int t) {
        return Math.min(TILE, rows - t * TILE);
    }

    /**
     * Writes the scores of up to {@link #GROUP} users against tile {@code t} into {@code s[u][0, TILE)}:
     * user u is row {@code first + u} of {@code q} (rows of {@link #dim} floats), for u below
     * {@code users}; rows of {@code s} past that get the scores of a zero query.
     */
    void score(int t, float[] q, int first, int users, float[][] s) {
        float[][] tile = tiles[t];
        float[] s0 = s[0];
        float[] s1 = s[1];
        float[] s2 = s[2];
        float[] s3 = s[3];
        for (float[] row : s) {
            Arrays.fill(row, 0f);
        }
        int d = dim;
        int o0 = first * d;
        int o1 = users > 1 ? o0 + d : -1;
        int o2 = users > 2 ? o0 + 2 * d : -1;
        int o3 = users > 3 ? o0 + 3 * d : -1;
        int k = 0;
        for (; k + 2 <= d; k += 2) {
            float a0 = q[o0 + k];
            float a1 = q[o0 + k + 1];
            float b0 = o1 < 0 ? 0f : q[o1 + k];
            float b1 = o1 < 0 ? 0f : q[o1 + k + 1];
            float e0 = o2 < 0 ? 0f : q[o2 + k];
            float e1 = o2 < 0 ? 0f : q[o2 + k + 1];
            float f0 = o3 < 0 ? 0f : q[o3 + k];
            float f1 = o3 < 0 ? 0f : q[o3 + k + 1];
            float[] c0 = tile[k];
            float[] c1 = tile[k + 1];
            for (int j = 0; j < TILE; j++) {
                float x0 = c0[j];
                float x1 = c1[j];
                // left to right: (s + a0 x0) + a1 x1, the plain loop's order
                s0[j] = s0[j] + a0 * x0 + a1 * x1;
                s1[j] = s1[j] + b0 * x0 + b1 * x1;
                s2[j] = s2[j] + e0 * x0 + e1 * x1;
                s3[j] = s3[j] + f0 * x0 + f1 * x1;
            }
        }
        for (; k < d; k++) {
            float a = q[o0 + k];
            float b = o1 < 0 ? 0f : q[o1 + k];
            float e = o2 < 0 ? 0f : q[o2 + k];
            float f = o3 < 0 ? 0f : q[o3 + k];
            float[] c = tile[k];
            for (int j = 0; j < TILE; j++) {
                float x = c[j];
                s0[j] = s0[j] + a * x;
                s1[j] = s1[j] + b * x;
                s2[j] = s2[j] + e * x;
                s3[j] = s3[j] + f * x;
            }
        }
    }
}
