package org.recsys4j.model;

import java.util.Arrays;

/** A batch of embeddings: {@code rows x dim} floats, row-major. */
public record Embeddings(float[] data, int rows, int dim) {
    public Embeddings {
        if (rows < 0 || dim < 1 || data.length != (long) rows * dim) {
            throw new IllegalArgumentException(
                    "embeddings of " + rows + " x " + dim + " need " + ((long) rows * dim) + " floats, got "
                    + data.length);
        }
    }

    /**
     * Rows of a row-major embedding table ({@code table.length / dim} rows), with every row checked:
     * the one gather every tower implementation starts from.
     */
    public static Embeddings gather(float[] table, int dim, int[] rows) {
        int vocabularySize = table.length / dim;
        checkRows(rows, vocabularySize);
        float[] out = new float[rows.length * dim];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(table, rows[i] * dim, out, i * dim, dim);
        }
        return new Embeddings(out, rows.length, dim);
    }

    /** Rejects a row outside a vocabulary of {@code vocabularySize} rows (OOV included). */
    public static void checkRows(int[] rows, int vocabularySize) {
        for (int r : rows) {
            if (r < 0 || r >= vocabularySize) {
                throw new IndexOutOfBoundsException("row " + r + " outside the vocabulary of " + vocabularySize);
            }
        }
    }

    /** The value at {@code row}, {@code col}. */
    public float get(int row, int col) {
        return data[row * dim + col];
    }

    /** A copy of row {@code i}. */
    public float[] row(int i) {
        return Arrays.copyOfRange(data, i * dim, (i + 1) * dim);
    }

    /** The largest absolute difference from {@code other}, for parity checks. */
    public double maxAbsDifference(Embeddings other) {
        if (other.rows != rows || other.dim != dim) {
            throw new IllegalArgumentException(
                    "shapes differ: " + rows + "x" + dim + " vs " + other.rows + "x" + other.dim);
        }
        double max = 0;
        for (int i = 0; i < data.length; i++) {
            max = Math.max(max, Math.abs(data[i] - other.data[i]));
        }
        return max;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Embeddings e && e.rows == rows && e.dim == dim && Arrays.equals(e.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(data) + rows * 17 + dim;
    }

    @Override
    public String toString() {
        return "Embeddings[" + rows + " x " + dim + "]";
    }
}
