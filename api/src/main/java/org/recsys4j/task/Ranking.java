package org.recsys4j.task;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.recsys4j.metrics.PredictionMetric;
import org.recsys4j.spec.RankingLoss;

/**
 * TFRS's {@code Ranking} task: the head's outputs against the labels, with Keras's loss and
 * reduction (the sample-weighted mean over the batch, {@code SUM_OVER_BATCH_SIZE}). The Java form
 * is the reference every trainer's loss is checked against.
 */
public final class Ranking implements Task {
    private final RankingLoss loss;
    private final List<PredictionMetric> metrics;

    /** A ranking task with {@code loss}, updating {@code metrics} on every evaluated batch. */
    public Ranking(RankingLoss loss, List<PredictionMetric> metrics) {
        this.loss = Objects.requireNonNull(loss, "loss");
        this.metrics = List.copyOf(metrics);
    }

    /** The loss it minimises. */
    public RankingLoss lossKind() {
        return loss;
    }

    /** The metrics updated on every evaluated batch. */
    public List<PredictionMetric> metrics() {
        return metrics;
    }

    /**
     * The loss, in double: {@code sum_i w_i l(z_i, y_i) / n}.
     *
     * @param outputs the head's output per example: the rating, or the logit for binary cross-entropy
     * @param labels one label per example
     * @param weights sample weights, or null for ones
     */
    public double loss(float[] outputs, float[] labels, float[] weights) {
        int n = outputs.length;
        if (labels.length != n || (weights != null && weights.length != n)) {
            throw new IllegalArgumentException(n + " outputs, " + labels.length + " labels and "
                    + (weights == null ? "no" : String.valueOf(weights.length)) + " weights: one each per example");
        }
        if (n == 0) {
            return 0;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += (weights == null ? 1.0 : weights[i]) * exampleLoss(outputs[i], labels[i]);
        }
        return sum / n;
    }

    private double exampleLoss(double z, double y) {
        return switch (loss) {
            case MEAN_SQUARED_ERROR -> (z - y) * (z - y);
            // log(1 + exp(-|z|)) + max(z, 0) - z y: stable for any z (tf.nn.sigmoid_cross_entropy_with_logits)
            case BINARY_CROSSENTROPY -> Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
        };
    }

    /** What the model predicts from the head's outputs: the rating itself, or {@code sigmoid(z)}. */
    public float[] predictions(float[] outputs) {
        if (loss == RankingLoss.MEAN_SQUARED_ERROR) {
            return outputs;
        }
        float[] p = new float[outputs.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (1.0 / (1.0 + Math.exp(-outputs[i])));
        }
        return p;
    }

    /** Feeds the metrics one batch of head outputs. */
    public void updateMetrics(float[] outputs, float[] labels, float[] weights) {
        float[] p = predictions(outputs);
        metrics.forEach(m -> m.update(p, labels, weights));
    }

    @Override
    public void resetMetrics() {
        metrics.forEach(PredictionMetric::reset);
    }

    @Override
    public Map<String, Double> metricResults() {
        Map<String, Double> out = new LinkedHashMap<>();
        metrics.forEach(m -> out.putAll(m.result()));
        return out;
    }
}
