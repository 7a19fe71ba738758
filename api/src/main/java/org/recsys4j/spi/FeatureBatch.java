package org.recsys4j.spi;

import java.util.Map;

/**
 * One batch as vocabulary rows, by feature name ({@code user_id -> int[]}), with optional sample
 * weights and optional candidate sampling probabilities (TFRS's
 * {@code candidate_sampling_probability}: each example's candidate's probability of appearing in a
 * batch, for the logQ correction). Raw strings are looked up once, before training, as
 * {@code .cache()} does in TFRS.
 *
 * <p>Extra candidates are negatives beyond the batch's own: candidate-feature rows appended as
 * columns of the in-batch softmax, each with its sampling probability when the batch has them.
 */
public record FeatureBatch(Map<String, int[]> features, float[] sampleWeights, float[] candidateSamplingProbability,
        int size, int[] extraCandidates, float[] extraCandidateProbability) {
    public FeatureBatch(Map<String, int[]> features, float[] sampleWeights, int size) {
        this(features, sampleWeights, null, size);
    }

    public FeatureBatch(Map<String, int[]> features, float[] sampleWeights, float[] candidateSamplingProbability,
            int size) {
        this(features, sampleWeights, candidateSamplingProbability, size, null, null);
    }

    public FeatureBatch {
        features = Map.copyOf(features);
        for (var e : features.entrySet()) {
            if (e.getValue().length != size) {
                throw new IllegalArgumentException("feature '" + e.getKey() + "' has " + e.getValue().length
                        + " rows in a batch of " + size);
            }
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

    public int[] feature(String name) {
        int[] f = features.get(name);
        if (f == null) {
            throw new IllegalArgumentException("the batch has no feature '" + name + "'; it has " + features.keySet());
        }
        return f;
    }
}
