package org.recsys4j.index;

/**
 * A set of vectors (k-means centres, codewords) stored dimension by dimension, so that one
 * vector's dot products with all of them are a sequence of {@code scores += x[j] * column_j}
 * updates. That loop has no reduction in it, which the JIT turns into SIMD code; a loop of
 * separate dot products stays scalar. Used where a vector meets many fixed vectors at once:
 * assigning rows to centres, encoding, and a query's scores against every leaf or codeword.
 */
final class ColumnMajor {
    private final int count;
    private final int dim;
    /** Element j of vector c is at {@code j * count + c}. */
    private final float[] values;

    /** The {@code count x dim} row-major vectors of {@code rows}, from float {@code offset}, with {@code stride} floats between them. */
    ColumnMajor(float[] rows, int offset, int stride, int count, int dim) {
        this.count = count;
        this.dim = dim;
        this.values = new float[count * dim];
        for (int c = 0; c < count; c++) {
            for (int j = 0; j < dim; j++) {
                values[j * count + c] = rows[offset + c * stride + j];
            }
        }
    }

    int count() {
        return count;
    }

    /** {@code out[out0 + c] = x[x0 .. x0 + dim) . vector c}, for every vector c. */
    void dots(float[] x, int x0, float[] out, int out0) {
        java.util.Arrays.fill(out, out0, out0 + count, 0f);
        for (int j = 0; j < dim; j++) {
            float xj = x[x0 + j];
            int column = j * count;
            for (int c = 0; c < count; c++) {
                out[out0 + c] += xj * values[column + c];
            }
        }
    }
}
