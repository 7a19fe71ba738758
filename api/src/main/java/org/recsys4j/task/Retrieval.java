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

    /** The task with its options (temperature, L2, hard and extra negatives) and the metrics it updates. */
    public Retrieval(RetrievalTaskSpec options, List<Metric> metrics) {
        this.options = Objects.requireNonNull(options);
        this.metrics = List.copyOf(metrics);
    }

    /** The task with TFRS defaults and the given metrics, e.g. {@code FactorizedTopK}. */
    public Retrieval(Metric... metrics) {
        this(RetrievalTaskSpec.defaults(), List.of(metrics));
    }

    /** The options the losses follow. */
    public RetrievalTaskSpec options() {
        return options;
    }

    /** The metrics updated on every evaluated batch. */
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

    /**
     * The loss of a batch: the query embeddings against the positive candidate's embedding per
     * example, row for row; sample weights or null for all ones.
     */
    public double loss(Embeddings queries, Embeddings candidates, float[] sampleWeights) {
        return loss(queries, candidates, sampleWeights, null);
    }

    @Override
    public void resetMetrics() {
        metrics.forEach(Metric::reset);
    }

    @Override
    public java.util.Map<String, Double> metricResults() {
        java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
        metrics.forEach(m -> out.putAll(m.result()));
        return out;
    }

    /**
     * The loss with TFRS's logQ correction: the logits of column j (after the temperature) are
     * lowered by {@code log candidateSamplingProbability[j]}.
     */
    public double loss(Embeddings queries, Embeddings candidates, float[] sampleWeights,
            float[] candidateSamplingProbability) {
        if (options.removeAccidentalHits()) {
            throw new IllegalArgumentException("removing accidental hits needs the candidates' ids");
        }
        return loss(queries, candidates, sampleWeights, candidateSamplingProbability, null);
    }

    /**
     * The loss as TFRS's {@code Retrieval.call} computes it, in double, one n x m logit matrix:
     * the reference every trainer is checked against. Row i's positive is column i; columns past
     * the n queries are extra negatives. In order: the temperature, the logQ correction (column j
     * lowered by {@code log p_j}), accidental hits (columns j != i with {@code candidateIds[j] ==
     * candidateIds[i]} dropped from row i), hard negatives (row i keeps its positive and its
     * {@code numHardNegatives} highest other logits), then summed weighted cross-entropy.
     *
     * @param candidates m &gt;= n candidate embeddings
     * @param candidateSamplingProbability m probabilities, or null
     * @param candidateIds m identifiers, or null when accidental hits are kept
     */
    public double loss(Embeddings queries, Embeddings candidates, float[] sampleWeights,
            float[] candidateSamplingProbability, int[] candidateIds) {
        int n = queries.rows();
        int m = candidates.rows();
        int d = queries.dim();
        if (m < n || candidates.dim() != d) {
            throw new IllegalArgumentException("a batch of " + n + " queries needs at least " + n
                    + " candidates of dimension " + d + ", got " + m + " x " + candidates.dim());
        }
        if (sampleWeights != null && sampleWeights.length != n) {
            throw new IllegalArgumentException(n + " examples but " + sampleWeights.length + " sample weights");
        }
        if (options.removeAccidentalHits() && (candidateIds == null || candidateIds.length != m)) {
            throw new IllegalArgumentException("removing accidental hits needs one id per candidate (" + m + ")");
        }
        float[] q = queries.data();
        float[] c = candidates.data();
        double scale = 1.0 / options.temperature();
        double[] logits = new double[m];
        double total = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += (double) q[i * d + k] * c[j * d + k];
                }
                logits[j] = s * scale
                        - (candidateSamplingProbability == null ? 0 : Math.log(candidateSamplingProbability[j]));
                if (options.removeAccidentalHits() && j != i && candidateIds[j] == candidateIds[i]) {
                    logits[j] = Double.NEGATIVE_INFINITY;
                }
            }
            double positive = logits[i];
            double[] kept = options.numHardNegatives() > 0 ? hardest(logits, i, options.numHardNegatives()) : logits;
            double max = positive;
            for (double l : kept) {
                max = Math.max(max, l);
            }
            double sum = 0;
            for (double l : kept) {
                sum += Math.exp(l - max);
            }
            double ce = max + Math.log(sum) - positive;
            total += (sampleWeights == null ? 1.0 : sampleWeights[i]) * ce;
        }
        return total;
    }

    /** Row i's positive logit and its k highest others (all of them when there are no more than k). */
    private static double[] hardest(double[] logits, int positive, int k) {
        double[] others = new double[logits.length - 1];
        for (int j = 0, o = 0; j < logits.length; j++) {
            if (j != positive) {
                others[o++] = logits[j];
            }
        }
        java.util.Arrays.sort(others);
        int keep = Math.min(k, others.length);
        double[] kept = new double[keep + 1];
        kept[0] = logits[positive];
        System.arraycopy(others, others.length - keep, kept, 1, keep);
        return kept;
    }

    /** The per-table L2 penalty, {@code l2 * sum W^2} over every embedding table and dense kernel. */
    public double tableRegularizationLoss(org.recsys4j.spec.RetrievalSpec spec, org.recsys4j.model.Weights weights) {
        if (options.l2PerTable() == 0) {
            return 0;
        }
        double sum = 0;
        for (String name : regularizedWeights(spec)) {
            for (float v : weights.get(name).data()) {
                sum += (double) v * v;
            }
        }
        return options.l2PerTable() * sum;
    }

    /** The weights the per-table L2 covers: every embedding table and dense kernel, as Keras regularizers are set. */
    public static List<String> regularizedWeights(org.recsys4j.spec.RetrievalSpec spec) {
        List<String> names = new java.util.ArrayList<>();
        for (var tower : List.of(spec.query(), spec.candidate())) {
            names.add(tower.embeddingName());
            for (var f : tower.features()) {
                names.add(tower.featureEmbeddingName(f));
            }
            for (int l = 0; l < tower.layers().size(); l++) {
                names.add(tower.kernelName(l));
            }
        }
        return names;
    }
}
