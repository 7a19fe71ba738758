package org.recsys4j.nd4j;

/** A tower's optimizer slots and update: {@link AdagradState} or {@link AdamState}. */
interface TowerOptimizer extends AutoCloseable {
    /** One step on every table and dense weight of the tower. */
    void apply(TowerNet.Gradients gradients);

    /** {@code l2 * sum W^2} over every table and kernel at the current weights (0 without a per-table L2). */
    double tablePenalty();

    @Override
    void close();
}
