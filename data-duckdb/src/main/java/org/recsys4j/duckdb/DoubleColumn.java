package org.recsys4j.duckdb;

import java.util.Arrays;

/** A growing {@code double[]}: one numeric column as it streams in, in blocks as {@link IntBlocks} (and why). */
final class DoubleColumn {
    private double[][] blocks = new double[8][];
    private int full;
    private double[] block = new double[1 << 12];
    private int used;

    void add(double v) {
        if (used == block.length) {
            grow();
        }
        block[used++] = v;
    }

    private void grow() {
        if (block.length < IntBlocks.BLOCK) {
            block = Arrays.copyOf(block, Math.min(IntBlocks.BLOCK, block.length * 4));
            return;
        }
        if (full == blocks.length) {
            blocks = Arrays.copyOf(blocks, full * 2);
        }
        blocks[full++] = block;
        block = new double[IntBlocks.BLOCK];
        used = 0;
    }

    double[] toArray() {
        double[] out = new double[full * IntBlocks.BLOCK + used];
        for (int b = 0; b < full; b++) {
            System.arraycopy(blocks[b], 0, out, b * IntBlocks.BLOCK, IntBlocks.BLOCK);
        }
        System.arraycopy(block, 0, out, full * IntBlocks.BLOCK, used);
        return out;
    }
}
