package org.recsys4j.task;

import java.util.List;
import java.util.Objects;
import org.recsys4j.metrics.Metric;
import org.recsys4j.model.Embeddings;
import org.recsys4j.spec.RetrievalTaskSpec;

/**
 * The TFRS {@code Retrieval} task: in a batch of n (query, candidate) pairs, every other
 * candidate is a negative. Logits are {@code Q C^T / temperature}, the labels the diagonal, and
 * the loss categorical cross-entropy from logits, summed over the batch (sample-weighted).
 */
public final class Retrieval implements Task {
    private final RetrievalTaskSpec options;
    private final List<Metric> metrics;

    public Retrieval(RetrievalTaskSpec options, List<Metric> metrics) {
        this.options = Objects.requireNonNull(options);
        this.metrics = List.copyOf(metrics);
    }

    /** The task with TFRS defaults and the given metrics, e.g. {@code FactorizedTopK}. */
    public Retrieval(Metric... metrics) {
        this(RetrievalTaskSpec.defaults(), List.of(metrics));
    }

    public RetrievalTaskSpec options() {
        return options;
    }

    public List<Metric> metrics() {
        return metrics;
    }

    /** The per-example L2 penalty, {@code l2 * sum_i (|q_i|^2 + |c_i|^2)}, in double. */
    public double regularizationLoss(Embeddings queries, Embeddings candidates) {
        double sum = 0;
        for (float v : queries.data()) {
            sum += (double) v * v;
        }
        for (float v : candidates.data()) {
            sum += (double) v * v;
        }
        return options.l2PerExample() * sum;
    }

    @Override
    public double loss(Embeddings queries, Embeddings candidates, float[] sampleWeights) {
        return loss(queries, candidates, sampleWeights, null);
    }

    /**
     * The loss with TFRS's logQ correction: the logits of column j (after the temperature) are
     * lowered by {@code log candidateSamplingProbability[j]}.
     */
    public double loss(Embeddings queries, Embeddings candidates, float[] sampleWeights,
            float[] candidateSamplingProbability) {
        int n = queries.rows();
        int d = queries.dim();
        if (candidates.rows() != n || candidates.dim() != d) {
            throw new IllegalArgumentException("a batch of " + n + " queries needs " + n + " candidates of dimension "
                    + d + ", got " + candidates.rows() + " x " + candidates.dim());
        }
        if (sampleWeights != null && sampleWeights.length != n) {
            throw new IllegalArgumentException(n + " examples but " + sampleWeights.length + " sample weights");
        }
        float[] q = queries.data();
        float[] c = candidates.data();
        double scale = 1.0 / options.temperature();
        double[] logits = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += (double) q[i * d + k] * c[j * d + k];
                }
                logits[j] = s * scale
                        - (candidateSamplingProbability == null ? 0 : Math.log(candidateSamplingProbability[j]));
                max = Math.max(max, logits[j]);
            }
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += Math.exp(logits[j] - max);
            }
            double ce = max + Math.log(sum) - logits[i];
            total += (sampleWeights == null ? 1.0 : sampleWeights[i]) * ce;
        }
        return total;
    }
}
