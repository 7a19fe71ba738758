package org.recsys4j.spec;

/**
 * The options of the TFRS {@code Retrieval} task that change the loss.
 *
 * @param temperature logits are divided by it; 1 leaves them as they are
 * @param l2PerExample weight of the per-example L2 penalty on the tower outputs,
 *     {@code l2 * sum_i (|q_i|^2 + |c_i|^2)}, reported as {@code regularization_loss}: a row is
 *     penalised as often as it appears in the batch (0 turns it off)
 */
public record RetrievalTaskSpec(double temperature, double l2PerExample) {
    public RetrievalTaskSpec {
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a positive number, got " + temperature);
        }
        if (!(l2PerExample >= 0) || !Double.isFinite(l2PerExample)) {
            throw new IllegalArgumentException("l2PerExample must be 0 or more, got " + l2PerExample);
        }
    }

    public RetrievalTaskSpec(double temperature) {
        this(temperature, 0.0);
    }

    public static RetrievalTaskSpec defaults() {
        return new RetrievalTaskSpec(1.0);
    }
}
