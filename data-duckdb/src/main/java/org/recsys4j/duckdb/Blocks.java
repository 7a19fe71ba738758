package org.recsys4j.duckdb;

/**
 * A growing primitive column ({@code A} is {@code int[]} or {@code double[]}) kept in blocks of a
 * million values and joined into one array at the end. Why not one array doubled as it fills:
 * each doubling allocates a fresh array that the JVM zeroes and the kernel faults in page by page,
 * then copies the old one, so a column of n values cost about 4n of new memory; blocks cost 2n
 * (the blocks and the result), and at 5 million rows that fresh memory was a good part of the
 * reading thread's time.
 */
abstract class Blocks<A> {
    static final int BLOCK = 1 << 20;

    private Object[] full = new Object[8];
    private int fullCount;
    /** The block being filled; the first starts small, so a small table does not take megabytes. */
    A block = allocate(1 << 12);
    int capacity = 1 << 12;
    int used;

    abstract A allocate(int length);

    /** Called when {@link #block} is full: a larger first block, or a new block of {@link #BLOCK}. */
    final void grow() {
        if (capacity < BLOCK) {
            int larger = Math.min(BLOCK, capacity * 4);
            A next = allocate(larger);
            System.arraycopy(block, 0, next, 0, used);
            block = next;
            capacity = larger;
            return;
        }
        if (fullCount == full.length) {
            full = java.util.Arrays.copyOf(full, fullCount * 2);
        }
        full[fullCount++] = block;
        block = allocate(BLOCK);
        used = 0;
    }

    final int size() {
        return fullCount * BLOCK + used;
    }

    /** Every value so far in one array of exactly {@link #size()}. */
    final A join() {
        A out = allocate(size());
        for (int b = 0; b < fullCount; b++) {
            System.arraycopy(full[b], 0, out, b * BLOCK, BLOCK);
        }
        System.arraycopy(block, 0, out, fullCount * BLOCK, used);
        return out;
    }
}
