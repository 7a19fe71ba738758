package org.recsys4j.duckdb;

/**
 * A growing primitive column ({@code A} is {@code int[]} or {@code double[]}) kept in blocks of a
 * million values and joined into one array at the end. Why not one array doubled as it fills:
 * each doubling allocates a fresh array that the JVM zeroes and the kernel faults in page by page,
 * then copies the old one, so a column of n values cost about 4n of new memory; blocks cost 2n
 * (the blocks and the result), and at 5 million rows that fresh memory was a good part of the
 * reading thread's time. When the number of rows is known before the scan ({@link #expect}), the
 * first block is the result: n of new memory, and no join.
 */
abstract class Blocks<A> {
    static final int BLOCK = 1 << 20;

    /** Blocks filled to their length, in order. */
    private Object[] full = new Object[8];
    private int fullCount;
    private long fullValues;
    /** The block being filled; the first starts small, so a small table does not take megabytes. */
    A block = allocate(1 << 12);
    int capacity = 1 << 12;
    int used;

    abstract A allocate(int length);

    /**
     * Makes room for {@code rows} values in all before any has come: a column that ends with exactly
     * that many is handed over as it is; more or fewer only cost the copy that {@link #join} makes anyway.
     */
    final void expect(int rows) {
        if (fullCount == 0 && used == 0 && rows > capacity) {
            block = allocate(rows);
            capacity = rows;
        }
    }

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
        fullValues += used;
        block = allocate(BLOCK);
        capacity = BLOCK;
        used = 0;
    }

    final int size() {
        return (int) (fullValues + used);
    }

    /** Every value so far in one array of exactly {@link #size()}. */
    final A join() {
        if (fullCount == 0 && used == capacity) {
            return block; // the expected number of rows, or a table that filled its small first block
        }
        A out = allocate(size());
        int at = 0;
        for (int b = 0; b < fullCount; b++) {
            int length = java.lang.reflect.Array.getLength(full[b]);
            System.arraycopy(full[b], 0, out, at, length);
            at += length;
        }
        System.arraycopy(block, 0, out, at, used);
        return out;
    }
}
