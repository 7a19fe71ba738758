package org.recsys4j.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import org.recsys4j.model.FloatTensor;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.Adagrad;

/**
 * One training step of two embedding-only towers written out by hand in double precision: the
 * gradient of sum_i w_i (logsumexp_j(q_i.c_j / T) - q_i.c_i / T), then Keras Adagrad from fresh
 * accumulators. The reference the backends are checked against.
 */
public final class HandAdagrad {
    private HandAdagrad() {
    }

    /**
     * The weights after one step from {@code w0} on the examples ({@code users[i]}, {@code items[i]}) with
     * sample weights {@code weights} (null: all 1).
     */
    public static Weights step(Weights w0, int[] users, int[] items, float[] weights, double temperature, Adagrad opt) {
        double[][] g = gradients(w0.get("query/embedding"), w0.get("candidate/embedding"), users, items, weights,
                temperature);
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        out.put("query/embedding", apply(w0.get("query/embedding"), g[0], opt));
        out.put("candidate/embedding", apply(w0.get("candidate/embedding"), g[1], opt));
        return new Weights(out);
    }

    /** The in-batch softmax loss's gradient on the two embedding tables, dense: {query table, candidate table}. */
    public static double[][] gradients(FloatTensor queryTable, FloatTensor candidateTable, int[] users, int[] items,
            float[] weights, double temperature) {
        float[] qt = queryTable.data();
        float[] ct = candidateTable.data();
        int d = queryTable.dim(1);
        int n = users.length;
        double[] gq = new double[qt.length];
        double[] gc = new double[ct.length];
        for (int i = 0; i < n; i++) {
            double[] logits = new double[n];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += (double) qt[users[i] * d + k] * ct[items[j] * d + k];
                }
                logits[j] = s / temperature;
                max = Math.max(max, logits[j]);
            }
            double z = 0;
            for (int j = 0; j < n; j++) {
                z += Math.exp(logits[j] - max);
            }
            for (int j = 0; j < n; j++) {
                double dl = (weights == null ? 1 : weights[i]) * (Math.exp(logits[j] - max) / z - (i == j ? 1 : 0))
                        / temperature;
                for (int k = 0; k < d; k++) {
                    gq[users[i] * d + k] += dl * ct[items[j] * d + k];
                    gc[items[j] * d + k] += dl * qt[users[i] * d + k];
                }
            }
        }
        return new double[][] {gq, gc};
    }

    private static FloatTensor apply(FloatTensor w, double[] g, Adagrad opt) {
        float[] v = w.data().clone();
        for (int i = 0; i < v.length; i++) {
            double acc = opt.initialAccumulatorValue() + g[i] * g[i];
            v[i] -= (float) (opt.learningRate() * g[i] / (Math.sqrt(acc) + opt.epsilon()));
        }
        return new FloatTensor(w.shape(), v);
    }
}
