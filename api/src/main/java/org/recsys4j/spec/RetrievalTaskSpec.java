package org.recsys4j.spec;

/**
 * The options of the TFRS {@code Retrieval} task that change the loss.
 *
 * @param temperature logits are divided by it; 1 leaves them as they are
 */
public record RetrievalTaskSpec(double temperature) {
    public RetrievalTaskSpec {
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a positive number, got " + temperature);
        }
    }

    public static RetrievalTaskSpec defaults() {
        return new RetrievalTaskSpec(1.0);
    }
}
