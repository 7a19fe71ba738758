package org.recsys4j.spec;

/**
 * The loss of a {@code Ranking} task, Keras's reduction: the sample-weighted mean over the batch
 * ({@code SUM_OVER_BATCH_SIZE}: divided by the number of examples, not by the weights' sum).
 */
public enum RankingLoss {
    /** {@code (y - p)^2}: ratings, with {@code RootMeanSquaredError} as the metric. */
    MEAN_SQUARED_ERROR,
    /**
     * Keras {@code BinaryCrossentropy(from_logits=True)}: the head's output is a logit z,
     * {@code max(z, 0) - z y + log(1 + exp(-|z|))}; labels in [0, 1] (clicks). The prediction is
     * {@code sigmoid(z)}.
     */
    BINARY_CROSSENTROPY
}
