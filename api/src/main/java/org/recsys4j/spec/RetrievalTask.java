package org.recsys4j.spec;

import java.util.Objects;

/**
 * The {@code Retrieval} task in a model: the in-batch softmax between a query tower and a
 * candidate tower, with its options, weighted in the model's loss.
 */
public record RetrievalTask(String name, String queryTower, String candidateTower, RetrievalTaskSpec options,
        double weight) implements TaskSpec {
    public RetrievalTask {
        TaskSpec.checkName("retrieval", name);
        Objects.requireNonNull(queryTower, "queryTower");
        Objects.requireNonNull(candidateTower, "candidateTower");
        options = options == null ? RetrievalTaskSpec.defaults() : options;
        TaskSpec.checkWeight(name, weight);
    }

    /** The task named {@code retrieval}, TFRS defaults, weight 1. */
    public static RetrievalTask of(String queryTower, String candidateTower) {
        return new RetrievalTask("retrieval", queryTower, candidateTower, RetrievalTaskSpec.defaults(), 1.0);
    }

    /** The same task with loss weight {@code w}. */
    public RetrievalTask withWeight(double w) {
        return new RetrievalTask(name, queryTower, candidateTower, options, w);
    }
}
