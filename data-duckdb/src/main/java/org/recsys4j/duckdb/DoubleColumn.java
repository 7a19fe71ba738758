package org.recsys4j.duckdb;

import java.util.Arrays;

/** A growing {@code double[]}: one numeric column as it streams in. */
final class DoubleColumn {
    private double[] values = new double[1 << 16];
    private int size;

    void add(double v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = v;
    }

    double[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
