package org.recsys4j.metrics;

import java.util.Map;

/** A streaming metric over a ranking task's predictions and labels, as Keras metrics take (y_true, y_pred). */
public interface PredictionMetric {
    /** Forgets every batch added, as Keras's {@code reset_state}. */
    void reset();

    /**
     * @param predictions one prediction per example (a rating, or a probability for click labels)
     * @param labels the label per example
     * @param weights sample weights, or null for ones
     */
    void update(float[] predictions, float[] labels, float[] weights);

    /** The value so far, keyed by the name Keras reports. */
    Map<String, Double> result();
}
