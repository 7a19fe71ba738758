package org.recsys4j.duckdb;

/** A growing {@code int} column: the codes of an id column by row (see {@link Blocks} for why blocks). */
final class IntBlocks extends Blocks<int[]> {
    @Override
    int[] allocate(int length) {
        return new int[length];
    }

    void add(int v) {
        if (used == capacity) {
            grow();
        }
        block[used++] = v;
    }

    int[] toArray() {
        return join();
    }
}
