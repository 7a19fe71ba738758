package org.recsys4j.nd4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The in-batch softmax's buffers, kept by the trainer from step to step and grown when a step needs
 * more. Native: Q (scaled by 1/T), C and [m . C | m], and each worker's block of scores, its small
 * products and its part of dC. Made in the step, they cost the calling thread some 0.3-0.5 ms a step
 * at 100k (ND4J's arrays), while the other worker waited. Handed out as {@link FloatRows}, never as
 * views. Freed when the trainer closes. In Java: the gradients, the examples' index and each
 * worker's copies, some 3-4 MB a step at 100k (650 x 5,400 x 32) when made fresh, each zeroed by
 * the JVM on the step's path. Handed out longer than asked and holding the last step's values: the
 * softmax zeroes what it adds to.
 */
final class SoftmaxBuffers implements AutoCloseable {
    private static final int QUERIES = 0;
    private static final int CANDIDATES = 1;
    private static final int WEIGHTED = 2;
    private static final int SCORES = 0;
    private static final int E_MCZ = 1;
    private static final int SCALED_BLOCK = 2;
    private static final int GRAD_C = 3;
    /** A worker's Java arrays: its share of the set-up's rows and of dC's columns, and its block's. */
    private static final int SHARE = 0;
    private static final int BLOCK_E_MCZ = 1;
    private static final int BLOCK_SCALED = 2;
    private static final int BLOCK_SHIFT = 3;
    private static final int ROW_TERMS = 4;

    private final INDArray[] shared = new INDArray[3];
    private INDArray[][] perWorker = new INDArray[0][];
    private float[] gradQueries = new float[0];
    private float[] gradCandidates = new float[0];
    private float[] positiveTerms = new float[0];
    private float[] positives = new float[0];
    private int[] rowStart = new int[0];
    private int[] exampleIndex = new int[0];
    private float[][][] workerFloats = new float[0][][];

    /**
     * Room for u queries and c candidates of dimension d, {@code examples} examples, and for
     * {@code workers} workers with blocks of up to {@code rows} rows. On the step's thread, before
     * the workers start; a buffer that is grown gets a quarter more than it needs, so that the next
     * batches rarely grow it again.
     */
    void reserve(int workers, int rows, int u, int c, int d, int examples) {
        grow(shared, QUERIES, (long) u * d);
        grow(shared, CANDIDATES, (long) c * d);
        grow(shared, WEIGHTED, (long) c * (d + 1));
        if (perWorker.length < workers) {
            INDArray[][] more = new INDArray[workers][];
            System.arraycopy(perWorker, 0, more, 0, perWorker.length);
            for (int w = perWorker.length; w < workers; w++) {
                more[w] = new INDArray[4];
            }
            perWorker = more;
        }
        for (int w = 0; w < workers; w++) {
            grow(perWorker[w], SCORES, (long) rows * c);
            grow(perWorker[w], E_MCZ, (long) rows * (d + 1));
            grow(perWorker[w], SCALED_BLOCK, (long) rows * d);
            grow(perWorker[w], GRAD_C, (long) c * d);
        }
        gradQueries = grow(gradQueries, (long) u * d);
        gradCandidates = grow(gradCandidates, (long) c * d);
        positiveTerms = grow(positiveTerms, (long) u * d);
        positives = grow(positives, examples);
        rowStart = grow(rowStart, u + 1);
        exampleIndex = grow(exampleIndex, examples);
        if (workerFloats.length < workers) {
            workerFloats = java.util.Arrays.copyOf(workerFloats, workers);
        }
        // the most rows (d floats) or columns (d + 1) that a worker's share of the set-up or of dC holds
        long share = Math.max((u + workers - 1L) / workers * d, (c + workers - 1L) / workers * (d + 1));
        for (int w = 0; w < workers; w++) {
            float[][] mine = workerFloats[w] == null ? new float[5][] : workerFloats[w];
            mine[SHARE] = grow(mine[SHARE], share);
            mine[BLOCK_E_MCZ] = grow(mine[BLOCK_E_MCZ], (long) rows * (d + 1));
            mine[BLOCK_SCALED] = grow(mine[BLOCK_SCALED], (long) rows * d);
            mine[BLOCK_SHIFT] = grow(mine[BLOCK_SHIFT], rows);
            mine[ROW_TERMS] = grow(mine[ROW_TERMS], d);
            workerFloats[w] = mine;
        }
    }

    private static float[] grow(float[] x, long floats) {
        return x != null && x.length >= floats ? x : new float[grown(floats)];
    }

    private static int[] grow(int[] x, int ints) {
        return x.length >= ints ? x : new int[grown(ints)];
    }

    /** A quarter more than needed, so that the next batches rarely grow it again. */
    private static int grown(long needed) {
        return (int) Math.min(Integer.MAX_VALUE - 8, Math.toIntExact(needed) + needed / 4);
    }

    private static void grow(INDArray[] buffers, int which, long floats) {
        INDArray x = buffers[which];
        if (x != null && x.length() >= floats) {
            return;
        }
        if (x != null) {
            x.close();
        }
        try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            buffers[which] = Nd4j.createUninitialized(DataType.FLOAT, Math.max(1, floats + floats / 4));
        }
    }

    /** Q / T, u x d. */
    FloatRows queries(int u, int d) {
        return new FloatRows(shared[QUERIES], 0, u, d);
    }

    /** C, c x d. */
    FloatRows candidates(int c, int d) {
        return new FloatRows(shared[CANDIDATES], 0, c, d);
    }

    /** [m . C | m], c x (d + 1). */
    FloatRows weighted(int c, int d) {
        return new FloatRows(shared[WEIGHTED], 0, c, d + 1);
    }

    /** Worker w's block of scores, rows x c. */
    FloatRows scores(int w, int rows, int c) {
        return new FloatRows(perWorker[w][SCORES], 0, rows, c);
    }

    /** Worker w's E [m . C | m], rows x (d + 1). */
    FloatRows eMcz(int w, int rows, int d) {
        return new FloatRows(perWorker[w][E_MCZ], 0, rows, d + 1);
    }

    /** Worker w's block of scaled queries, rows x d. */
    FloatRows scaledBlock(int w, int rows, int d) {
        return new FloatRows(perWorker[w][SCALED_BLOCK], 0, rows, d);
    }

    /** Worker w's part of dC, c x d. */
    FloatRows gradC(int w, int c, int d) {
        return new FloatRows(perWorker[w][GRAD_C], 0, c, d);
    }

    /** dQ, at least u x d: returned to the trainer, and overwritten by the next step. */
    float[] gradQueries() {
        return gradQueries;
    }

    /** dC, at least c x d: returned to the trainer, and overwritten by the next step. */
    float[] gradCandidates() {
        return gradCandidates;
    }

    /** Each query row's sparse dQ terms, at least u x d. */
    float[] positiveTerms() {
        return positiveTerms;
    }

    /** Each example's score, at least one an example. */
    float[] positives() {
        return positives;
    }

    /** Where each query row's examples start, at least u + 1. */
    int[] rowStart() {
        return rowStart;
    }

    /** The examples, row by row, at least one an example. */
    int[] exampleIndex() {
        return exampleIndex;
    }

    /** Worker w's copies of its share of the set-up's rows and of dC's columns, one at a time. */
    float[] share(int w) {
        return workerFloats[w][SHARE];
    }

    /** Worker w's copy of its block's E [m . C | m]. */
    float[] blockEMcz(int w) {
        return workerFloats[w][BLOCK_E_MCZ];
    }

    /** Worker w's block of scaled queries, before it goes to native memory. */
    float[] blockScaled(int w) {
        return workerFloats[w][BLOCK_SCALED];
    }

    /** Worker w's block's row shifts. */
    float[] blockShift(int w) {
        return workerFloats[w][BLOCK_SHIFT];
    }

    /** Worker w's sum of one row's sparse dQ terms, d floats. */
    float[] rowTerms(int w) {
        return workerFloats[w][ROW_TERMS];
    }

    @Override
    public void close() {
        for (INDArray[] buffers : perWorker) {
            closeAll(buffers);
        }
        perWorker = new INDArray[0][];
        closeAll(shared);
    }

    private static void closeAll(INDArray[] buffers) {
        for (int i = 0; i < buffers.length; i++) {
            if (buffers[i] != null) {
                buffers[i].close();
                buffers[i] = null;
            }
        }
    }
}
