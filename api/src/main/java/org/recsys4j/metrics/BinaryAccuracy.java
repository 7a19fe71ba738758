package org.recsys4j.metrics;

import java.util.Map;

/** Keras {@code BinaryAccuracy}: the weighted share of examples whose prediction is on their label's side of 0.5. */
public final class BinaryAccuracy implements PredictionMetric {
    private double correct;
    private double weights;

    @Override
    public void reset() {
        correct = 0;
        weights = 0;
    }

    @Override
    public void update(float[] predictions, float[] labels, float[] w) {
        for (int i = 0; i < predictions.length; i++) {
            double weight = w == null ? 1 : w[i];
            boolean predicted = predictions[i] > 0.5f;
            if (predicted == (labels[i] > 0.5f)) {
                correct += weight;
            }
            weights += weight;
        }
    }

    @Override
    public Map<String, Double> result() {
        return Map.of("binary_accuracy", weights == 0 ? 0.0 : correct / weights);
    }
}
