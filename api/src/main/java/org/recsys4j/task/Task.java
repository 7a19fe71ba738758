package org.recsys4j.task;

import java.util.Map;

/**
 * A task: turns a batch's outputs into a loss and feeds its metrics. {@link Retrieval} (the
 * in-batch softmax over query and candidate embeddings) and {@link Ranking} (a head's predictions
 * against labels). Backends compute the same losses in their own graphs; the Java forms are the
 * references they are tested against. A model sums its tasks' losses with weights.
 */
public interface Task {
    /** Forgets what the metrics have seen (at the start of an epoch or an evaluation). */
    void resetMetrics();

    /** The metrics' values so far, keyed by the names TFRS reports. */
    Map<String, Double> metricResults();
}
