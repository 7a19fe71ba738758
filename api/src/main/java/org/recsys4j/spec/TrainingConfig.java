package org.recsys4j.spec;

import java.util.Objects;

/**
 * How a model was (or is to be) trained; stored in the bundle for provenance.
 *
 * @param split the train/test split as written on the command line ({@code random:0.8},
 *     {@code last:0.2}; see {@code org.recsys4j.split.SplitSpec}), seeded by {@code seed}; null
 *     when not recorded (bundles written before splits were)
 */
public record TrainingConfig(Optimizer optimizer, int batchSize, int evalBatchSize, int epochs, long seed,
        String split) {
    public TrainingConfig {
        Objects.requireNonNull(optimizer, "optimizer");
        if (batchSize < 1 || evalBatchSize < 1) {
            throw new IllegalArgumentException("batch sizes must be positive");
        }
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must not be negative");
        }
    }

    /** A config with no split recorded. */
    public TrainingConfig(Optimizer optimizer, int batchSize, int evalBatchSize, int epochs, long seed) {
        this(optimizer, batchSize, evalBatchSize, epochs, seed, null);
    }
}
