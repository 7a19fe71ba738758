package org.recsys4j.duckdb;

/** A growing {@code double[]}: one numeric column as it streams in (see {@link Blocks} for why blocks). */
final class DoubleColumn extends Blocks<double[]> {
    @Override
    double[] allocate(int length) {
        return new double[length];
    }

    void add(double v) {
        if (used == capacity) {
            grow();
        }
        block[used++] = v;
    }

    double[] toArray() {
        return join();
    }
}
