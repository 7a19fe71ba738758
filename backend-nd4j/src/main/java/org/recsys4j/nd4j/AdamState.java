package org.recsys4j.nd4j;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recsys4j.spec.Adam;

/**
 * Keras Adam's moments for one tower. Keras's Adam decays the moments of every row of a table at
 * every step and moves rows by their momentum even when a batch does not touch them, so each
 * table is updated whole (a batch's rows carry its gradient, the rest a zero one); dense layers go
 * through {@link ArrayOptimizer}. A per-table L2 adds {@code 2 l2 W} to every table and kernel.
 */
final class AdamState implements TowerOptimizer {
    private final TowerNet net;
    private final Adam adam;
    private final float l2PerTable;
    private final Map<String, float[]> m = new LinkedHashMap<>();
    private final Map<String, float[]> v = new LinkedHashMap<>();
    private final ArrayOptimizer dense;
    private long steps;

    AdamState(TowerNet net, Adam adam, double l2PerTable) {
        this.net = net;
        this.adam = adam;
        this.l2PerTable = (float) l2PerTable;
        net.tables.forEach((name, table) -> {
            m.put(name, new float[table.length]);
            v.put(name, new float[table.length]);
        });
        if (net.scoreBias != null) {
            m.put("score_bias", new float[net.scoreBias.length]);
            v.put("score_bias", new float[net.scoreBias.length]);
        }
        Map<String, INDArray> weights = new LinkedHashMap<>();
        for (int l = 0; l < net.kernels.length; l++) {
            weights.put(net.spec.kernelName(l), net.kernels[l]);
            weights.put(net.spec.biasName(l), net.biases[l]);
        }
        dense = new ArrayOptimizer(adam, weights);
    }

    @Override
    public double tablePenalty() {
        return AdagradState.tablePenalty(net, l2PerTable);
    }

    @Override
    public void apply(TowerNet.Gradients g) {
        steps++;
        float alpha = (float) adam.stepSize(steps);
        int d = net.spec.embeddingDim();
        for (var e : net.tables.entrySet()) {
            float[] table = e.getValue();
            float[] grad = new float[table.length];
            if (l2PerTable > 0) {
                for (int i = 0; i < table.length; i++) {
                    grad[i] = 2 * l2PerTable * table[i];
                }
            }
            TowerNet.RowGradient rows = g.tables().get(e.getKey());
            for (int i = 0; i < rows.rows().length; i++) {
                for (int k = 0; k < d; k++) {
                    grad[rows.rows()[i] * d + k] += rows.values()[i * d + k];
                }
            }
            update(table, grad, m.get(e.getKey()), v.get(e.getKey()), alpha);
        }
        if (net.scoreBias != null) {
            float[] grad = new float[net.scoreBias.length];
            if (g.scoreBias() != null) {
                for (int i = 0; i < g.scoreBias().rows().length; i++) {
                    grad[g.scoreBias().rows()[i]] += g.scoreBias().values()[i];
                }
            }
            update(net.scoreBias, grad, m.get("score_bias"), v.get("score_bias"), alpha);
        }
        Map<String, INDArray> grads = new LinkedHashMap<>();
        for (int l = 0; l < net.kernels.length; l++) {
            INDArray gk = g.kernels()[l];
            grads.put(net.spec.kernelName(l), l2PerTable > 0 ? gk.add(net.kernels[l].mul(2 * l2PerTable)) : gk);
            grads.put(net.spec.biasName(l), g.biases()[l]);
        }
        dense.apply(grads);
    }

    private void update(float[] w, float[] g, float[] m1, float[] m2, float alpha) {
        float b1 = (float) adam.beta1();
        float b2 = (float) adam.beta2();
        float eps = (float) adam.epsilon();
        for (int i = 0; i < w.length; i++) {
            m1[i] = b1 * m1[i] + (1 - b1) * g[i];
            m2[i] = b2 * m2[i] + (1 - b2) * g[i] * g[i];
            w[i] -= alpha * m1[i] / ((float) Math.sqrt(m2[i]) + eps);
        }
    }

    @Override
    public void close() {
        dense.close();
    }
}
