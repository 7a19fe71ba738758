package org.recsys4j.task;

import org.recsys4j.model.Embeddings;

/**
 * Turns the query and candidate embeddings of a batch into a loss. Backends compute the same loss
 * in their own graphs; this Java form is the reference they are tested against.
 */
public interface Task {
    /**
     * @param queries one query embedding per example
     * @param candidates the positive candidate's embedding per example, row for row
     * @param sampleWeights one weight per example, or null for all ones
     */
    double loss(Embeddings queries, Embeddings candidates, float[] sampleWeights);
}
