package org.recsys4j.spec;

import java.util.Objects;

/** How a model was (or is to be) trained; stored in the bundle for provenance. */
public record TrainingConfig(Adagrad optimizer, int batchSize, int evalBatchSize, int epochs, long seed) {
    public TrainingConfig {
        Objects.requireNonNull(optimizer, "optimizer");
        if (batchSize < 1 || evalBatchSize < 1) {
            throw new IllegalArgumentException("batch sizes must be positive");
        }
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must not be negative");
        }
    }
}
