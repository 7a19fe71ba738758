package org.recsys4j.metrics;

import java.util.Map;

/**
 * Keras {@code RootMeanSquaredError}: {@code sqrt(sum w (y - p)^2 / sum w)} over every example
 * seen since the last reset, so an evaluation over many batches is one RMSE over all of them.
 */
public final class RootMeanSquaredError implements PredictionMetric {
    private final String name;
    private double squares;
    private double weights;

    /** @param name the key it reports under: Keras's default {@code root_mean_squared_error}, or e.g. {@code RMSE} */
    public RootMeanSquaredError(String name) {
        this.name = name;
    }

    /** The metric under Keras's name, {@code root_mean_squared_error}. */
    public RootMeanSquaredError() {
        this("root_mean_squared_error");
    }

    @Override
    public void reset() {
        squares = 0;
        weights = 0;
    }

    @Override
    public void update(float[] predictions, float[] labels, float[] w) {
        for (int i = 0; i < predictions.length; i++) {
            double weight = w == null ? 1 : w[i];
            double e = (double) labels[i] - predictions[i];
            squares += weight * e * e;
            weights += weight;
        }
    }

    @Override
    public Map<String, Double> result() {
        return Map.of(name, weights == 0 ? 0.0 : Math.sqrt(squares / weights));
    }
}
