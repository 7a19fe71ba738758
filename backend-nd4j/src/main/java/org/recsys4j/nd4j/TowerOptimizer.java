package org.recsys4j.nd4j;

/** A tower's optimizer slots and update: {@link AdagradState} or {@link AdamState}. */
interface TowerOptimizer extends AutoCloseable {
    /** One step on every table and dense weight of the tower. */
    void apply(TowerNet.Gradients gradients);

    /** {@code l2 * sum W^2} over every table and kernel at the current weights (0 without a per-table L2). */
    double tablePenalty();

    /**
     * The step on the given distinct rows of the id table, given their gradient, where that is the
     * whole step (one table, no dense weight, no decay, no slot shared across rows); otherwise null.
     * The softmax's workers run it on rows as soon as their gradient is final.
     */
    default InBatchSoftmax.RowsDone rowUpdate(int[] rows) {
        return null;
    }

    @Override
    void close();
}
