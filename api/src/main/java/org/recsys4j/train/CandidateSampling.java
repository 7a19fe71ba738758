package org.recsys4j.train;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.recsys4j.data.Interactions;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.vocab.StringLookup;

/**
 * How a Retrieval task samples candidates, for the logQ correction and extra negatives: shared by
 * every model that trains one.
 */
final class CandidateSampling {
    private CandidateSampling() {
    }

    /**
     * Each candidate row's sampling probability estimated from the training data: its share of the
     * examples, add-one smoothed so that no probability is zero.
     */
    static float[] probabilityByRow(StringLookup vocabulary, Interactions training, String candidateFeature) {
        int[] rows = training.categorical(candidateFeature).lookup(vocabulary);
        double[] counts = new double[vocabulary.size()];
        Arrays.fill(counts, 1.0);
        for (int r : rows) {
            counts[r] += 1.0;
        }
        double total = rows.length + counts.length;
        float[] byRow = new float[counts.length];
        for (int r = 0; r < counts.length; r++) {
            byRow[r] = (float) (counts[r] / total);
        }
        return byRow;
    }

    /** Each example's candidate's probability. */
    static float[] probabilities(float[] byRow, int[] candidateRows, int from, int to) {
        float[] probability = new float[to - from];
        for (int i = from; i < to; i++) {
            probability[i - from] = byRow[candidateRows[i]];
        }
        return probability;
    }

    /**
     * The batch with the task's extra negatives appended: every candidate row but OOV, or k rows
     * drawn uniformly (fresh at every step). Under the logQ correction each counts with the
     * probability of a uniform draw, 1/V.
     */
    static FeatureBatch withExtraNegatives(FeatureBatch batch, RetrievalTaskSpec task, int v, SplittableRandom random) {
        int k = task.extraNegatives();
        if (k == 0 || v < 2) {
            return batch;
        }
        int[] rows;
        if (k == RetrievalTaskSpec.ALL_CANDIDATES) {
            rows = IntStream.range(1, v).toArray();
        } else {
            rows = new int[k];
            for (int i = 0; i < k; i++) {
                rows[i] = random.nextInt(1, v);
            }
        }
        float[] probability = null;
        if (batch.candidateSamplingProbability() != null) {
            probability = new float[rows.length];
            Arrays.fill(probability, 1f / (v - 1));
        }
        return batch.withExtraCandidates(rows, probability);
    }
}
