package org.recsys4j.metrics;

import java.util.List;
import java.util.Map;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Tower;

/** A streaming metric over batches of (query, true candidate) embeddings. */
public interface Metric {
    /** Forgets every batch added, as Keras's {@code reset_state} before an epoch or an evaluation. */
    void reset();

    /**
     * Adds one batch.
     *
     * @param queries the batch's query embeddings
     * @param positives the true candidate's embedding per query, row for row
     * @param candidateTower the candidate tower at the weights that produced these embeddings
     */
    void update(Embeddings queries, Embeddings positives, Tower candidateTower);

    /**
     * Adds one batch whose true candidates are also known by identifier (the candidate feature's
     * raw values), for metrics that match identifiers rather than scores. By default the
     * identifiers are not needed.
     */
    default void update(Embeddings queries, Embeddings positives, Tower candidateTower, List<String> positiveIds) {
        update(queries, positives, candidateTower);
    }

    /** The values so far, keyed by the names TFRS reports. */
    Map<String, Double> result();
}
