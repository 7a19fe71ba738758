package org.recsys4j.spi;

import java.util.Map;
import org.recsys4j.model.Features;

/**
 * One batch as typed feature columns ({@link Features}: vocabulary rows such as
 * {@code user_id -> int[]}, numeric values such as a normalised timestamp {@code -> float[]}),
 * with optional sample weights and optional candidate sampling probabilities (TFRS's
 * {@code candidate_sampling_probability}: each example's candidate's probability of appearing in a
 * batch, for the logQ correction). Raw strings are looked up once, before training, as
 * {@code .cache()} does in TFRS.
 *
 * <p>Extra candidates are negatives beyond the batch's own: candidate-feature rows appended as
 * columns of the in-batch softmax, each with its sampling probability when the batch has them.
 */
public record FeatureBatch(Features features, float[] sampleWeights, float[] candidateSamplingProbability,
        int size, int[] extraCandidates, float[] extraCandidateProbability) {
    /** A batch without sampling probabilities or extra candidates. */
    public FeatureBatch(Features features, float[] sampleWeights, int size) {
        this(features, sampleWeights, null, size);
    }

    /** A batch with sampling probabilities for the logQ correction (null: none), without extra candidates. */
    public FeatureBatch(Features features, float[] sampleWeights, float[] candidateSamplingProbability, int size) {
        this(features, sampleWeights, candidateSamplingProbability, size, null, null);
    }

    /** A batch of categorical columns only (ids and other vocabulary rows). */
    public FeatureBatch(Map<String, int[]> rows, float[] sampleWeights, int size) {
        this(Features.categorical(rows), sampleWeights, size);
    }

    /** A batch of categorical columns only, with sampling probabilities (or null). */
    public FeatureBatch(Map<String, int[]> rows, float[] sampleWeights, float[] candidateSamplingProbability,
            int size) {
        this(Features.categorical(rows), sampleWeights, candidateSamplingProbability, size);
    }

    public FeatureBatch {
        java.util.Objects.requireNonNull(features, "features");
        if (!features.isEmpty() && features.size() != size) {
            throw new IllegalArgumentException("the batch's features have " + features.size()
                    + " rows in a batch of " + size);
        }
        if (sampleWeights != null && sampleWeights.length != size) {
            throw new IllegalArgumentException(sampleWeights.length + " sample weights in a batch of " + size);
        }
        if (candidateSamplingProbability != null) {
            if (candidateSamplingProbability.length != size) {
                throw new IllegalArgumentException(candidateSamplingProbability.length
                        + " candidate sampling probabilities in a batch of " + size);
            }
            checkProbabilities(candidateSamplingProbability);
        }
        if (extraCandidates == null && extraCandidateProbability != null) {
            throw new IllegalArgumentException("extra candidate probabilities without extra candidates");
        }
        if (extraCandidates != null) {
            if ((candidateSamplingProbability == null) != (extraCandidateProbability == null)) {
                throw new IllegalArgumentException("the batch's candidates and its extra candidates must both carry"
                        + " sampling probabilities, or neither");
            }
            if (extraCandidateProbability != null) {
                if (extraCandidateProbability.length != extraCandidates.length) {
                    throw new IllegalArgumentException(extraCandidateProbability.length + " probabilities for "
                            + extraCandidates.length + " extra candidates");
                }
                checkProbabilities(extraCandidateProbability);
            }
        }
    }

    private static void checkProbabilities(float[] probabilities) {
        for (float p : probabilities) {
            if (!(p > 0 && p <= 1)) {
                throw new IllegalArgumentException("a candidate sampling probability must be in (0, 1], got " + p);
            }
        }
    }

    /** This batch with {@code rows} appended as negatives (probabilities null without the logQ correction). */
    public FeatureBatch withExtraCandidates(int[] rows, float[] probability) {
        return new FeatureBatch(features, sampleWeights, candidateSamplingProbability, size, rows, probability);
    }

    /** The categorical column {@code name} (a copy): an id's vocabulary rows. */
    public int[] feature(String name) {
        int[] f = features.rows(name);
        if (f == null) {
            throw new IllegalArgumentException("the batch has no feature '" + name + "'; it has " + features.names());
        }
        return f;
    }
}
