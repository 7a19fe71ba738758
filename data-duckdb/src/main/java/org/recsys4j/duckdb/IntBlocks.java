package org.recsys4j.duckdb;

import java.util.Arrays;

/**
 * A growing {@code int} column kept in blocks of a million values, joined into one array at the
 * end. Why not one array doubled as it fills: each doubling allocates a fresh array that the JVM
 * zeroes and the kernel faults in page by page, then copies the old one, so a column of n values
 * cost about 4n of new memory; blocks cost 2n (the blocks and the result), and at 5 million rows
 * that fresh memory was a good part of the reading thread's time.
 */
final class IntBlocks {
    static final int BLOCK = 1 << 20;

    private int[][] blocks = new int[8][];
    private int full;
    private int[] block = new int[1 << 12];
    private int used;

    void add(int v) {
        if (used == block.length) {
            grow();
        }
        block[used++] = v;
    }

    /** The first block starts small, so a small table does not take a megabyte per column. */
    private void grow() {
        if (block.length < BLOCK) {
            block = Arrays.copyOf(block, Math.min(BLOCK, block.length * 4));
            return;
        }
        if (full == blocks.length) {
            blocks = Arrays.copyOf(blocks, full * 2);
        }
        blocks[full++] = block;
        block = new int[BLOCK];
        used = 0;
    }

    int size() {
        return full * BLOCK + used;
    }

    int[] toArray() {
        int[] out = new int[size()];
        for (int b = 0; b < full; b++) {
            System.arraycopy(blocks[b], 0, out, b * BLOCK, BLOCK);
        }
        System.arraycopy(block, 0, out, full * BLOCK, used);
        return out;
    }
}
