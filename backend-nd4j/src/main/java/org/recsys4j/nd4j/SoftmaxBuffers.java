package org.recsys4j.nd4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Each softmax worker's native buffers (a block's scores and small products, its part of dC), kept
 * by the trainer from step to step and grown when a step needs more. Made in the step, they cost
 * some 0.3-0.4 ms of the calling thread's time a step at 100k (eight ND4J arrays), while the other
 * worker waited. Freed when the trainer closes.
 */
final class SoftmaxBuffers implements AutoCloseable {
    /** Flat buffers per worker: scores, E [m . C | m], the scaled block of Q, the part of dC. */
    private INDArray[][] buffers = new INDArray[0][];

    /**
     * Room for {@code workers} workers, each with blocks of up to {@code rows} rows over {@code columns}
     * candidates of dimension {@code d}. On the step's thread, before the workers start; a buffer that
     * is grown gets a quarter more than it needs, so that the next batches rarely grow it again.
     */
    void reserve(int workers, long rows, long columns, int d) {
        if (buffers.length < workers) {
            INDArray[][] more = new INDArray[workers][];
            System.arraycopy(buffers, 0, more, 0, buffers.length);
            for (int w = buffers.length; w < workers; w++) {
                more[w] = new INDArray[4];
            }
            buffers = more;
        }
        long[] sizes = {rows * columns, rows * (d + 1), rows * d, columns * d};
        for (int w = 0; w < workers; w++) {
            for (int b = 0; b < sizes.length; b++) {
                INDArray x = buffers[w][b];
                if (x == null || x.length() < sizes[b]) {
                    if (x != null) {
                        x.close();
                    }
                    try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                        buffers[w][b] = Nd4j.createUninitialized(DataType.FLOAT, Math.max(1, sizes[b] + sizes[b] / 4));
                    }
                }
            }
        }
    }

    /** Worker w's scores buffer as a row-major rows x columns matrix. */
    INDArray scores(int w, long rows, long columns) {
        return matrix(buffers[w][0], rows, columns);
    }

    /** Worker w's E [m . C | m] as rows x (d + 1). */
    INDArray eMcz(int w, long rows, int d) {
        return matrix(buffers[w][1], rows, d + 1);
    }

    /** Worker w's block of scaled queries as rows x d. */
    INDArray scaledBlock(int w, long rows, int d) {
        return matrix(buffers[w][2], rows, d);
    }

    /** Worker w's part of dC as columns x d. */
    INDArray gradC(int w, long columns, int d) {
        return matrix(buffers[w][3], columns, d);
    }

    /** The buffer's first rows x columns floats as a row-major matrix: a view, nothing copied. */
    private static INDArray matrix(INDArray flat, long rows, long columns) {
        return Nd4j.create(flat.data(), new long[] {rows, columns}, new long[] {columns, 1}, 0, 'c');
    }

    @Override
    public void close() {
        for (INDArray[] worker : buffers) {
            for (INDArray x : worker) {
                if (x != null) {
                    x.close();
                }
            }
        }
        buffers = new INDArray[0][];
    }
}
