package org.recsys4j.index;

import java.util.Arrays;

/**
 * A set of vectors (k-means centres, codewords) stored dimension by dimension, so that one
 * vector's dot products with all of them are a sequence of {@code scores[c] += x[j] * column_j[c]}
 * updates. The JIT turns that loop into SIMD code, which it does not do for a loop of separate dot
 * products (a reduction). Each dimension is its own array and the loop indexes it and the scores
 * the same way: with two offsets into float arrays that might be one array, the JIT could not rule
 * out overlap and would keep the loop scalar (about eight times slower, measured).
 *
 * <p>Used where one vector meets many fixed ones: assigning rows to centres, encoding, and a
 * query's scores against every leaf or codeword.
 */
final class ColumnMajor {
    private final int count;
    /** {@code columns[j][c]} is element j of vector c. */
    private final float[][] columns;

    /** The {@code count} vectors of {@code dim} floats at {@code rows[offset + c * stride]}. */
    ColumnMajor(float[] rows, int offset, int stride, int count, int dim) {
        this.count = count;
        this.columns = new float[dim][count];
        for (int c = 0; c < count; c++) {
            for (int j = 0; j < dim; j++) {
                columns[j][c] = rows[offset + c * stride + j];
            }
        }
    }

    int count() {
        return count;
    }

    /** {@code out[c] = x[x0 .. x0 + dim) . vector c} for every vector c; {@code out} holds at least {@code count()}. */
    void dots(float[] x, int x0, float[] out) {
        Arrays.fill(out, 0, count, 0f);
        for (int j = 0; j < columns.length; j++) {
            float xj = x[x0 + j];
            float[] column = columns[j];
            for (int c = 0; c < count; c++) {
                out[c] += xj * column[c];
            }
        }
    }
}
