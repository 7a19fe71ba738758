package org.recsys4j.nd4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The in-batch softmax's native buffers, kept by the trainer from step to step and grown when a
 * step needs more: Q (scaled by 1/T), C and [m . C | m], and each worker's block of scores, its
 * small products and its part of dC. Made in the step, they cost the calling thread some 0.3-0.5 ms
 * a step at 100k (ND4J's arrays), while the other worker waited. Handed out as {@link FloatRows},
 * never as views. Freed when the trainer closes.
 */
final class SoftmaxBuffers implements AutoCloseable {
    private static final int QUERIES = 0;
    private static final int CANDIDATES = 1;
    private static final int WEIGHTED = 2;
    private static final int SCORES = 0;
    private static final int E_MCZ = 1;
    private static final int SCALED_BLOCK = 2;
    private static final int GRAD_C = 3;

    private final INDArray[] shared = new INDArray[3];
    private INDArray[][] perWorker = new INDArray[0][];

    /**
     * Room for u queries and c candidates of dimension d, and for {@code workers} workers with blocks
     * of up to {@code rows} rows. On the step's thread, before the workers start; a buffer that is
     * grown gets a quarter more than it needs, so that the next batches rarely grow it again.
     */
    void reserve(int workers, long rows, long u, long c, int d) {
        grow(shared, QUERIES, u * d);
        grow(shared, CANDIDATES, c * d);
        grow(shared, WEIGHTED, c * (d + 1));
        if (perWorker.length < workers) {
            INDArray[][] more = new INDArray[workers][];
            System.arraycopy(perWorker, 0, more, 0, perWorker.length);
            for (int w = perWorker.length; w < workers; w++) {
                more[w] = new INDArray[4];
            }
            perWorker = more;
        }
        for (int w = 0; w < workers; w++) {
            grow(perWorker[w], SCORES, rows * c);
            grow(perWorker[w], E_MCZ, rows * (d + 1));
            grow(perWorker[w], SCALED_BLOCK, rows * d);
            grow(perWorker[w], GRAD_C, c * d);
        }
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
