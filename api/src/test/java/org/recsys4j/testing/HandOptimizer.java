package org.recsys4j.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import org.recsys4j.model.FloatTensor;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.Adam;
import org.recsys4j.spec.Optimizer;

/**
 * Keras Adagrad and Adam written out in double over dense gradients, keeping their slots across
 * steps: the reference for trainers' updates. A weight with a zero gradient keeps its Adagrad
 * accumulator and value; under Adam its moments decay and its momentum still moves it, as Keras's.
 */
public final class HandOptimizer {
    private final Optimizer optimizer;
    private final Map<String, double[]> first = new LinkedHashMap<>();
    private final Map<String, double[]> second = new LinkedHashMap<>();
    private long steps;

    /** @param optimizer Keras Adagrad or Keras Adam, with its settings */
    public HandOptimizer(Optimizer optimizer) {
        this.optimizer = optimizer;
    }

    /**
     * One step from {@code w} with the gradient of each weight by name (a weight without one has a zero
     * gradient); the slots carry over to the next call.
     */
    public Weights step(Weights w, Map<String, double[]> gradients) {
        steps++;
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (String name : w.names()) {
            FloatTensor t = w.get(name);
            double[] g = gradients.getOrDefault(name, new double[t.data().length]);
            float[] v = t.data().clone();
            if (optimizer instanceof Adagrad a) {
                double[] acc = first.computeIfAbsent(name, k -> filled(v.length, a.initialAccumulatorValue()));
                for (int i = 0; i < v.length; i++) {
                    acc[i] += g[i] * g[i];
                    v[i] -= (float) (a.learningRate() * g[i] / (Math.sqrt(acc[i]) + a.epsilon()));
                }
            } else {
                Adam a = (Adam) optimizer;
                double[] m = first.computeIfAbsent(name, k -> new double[v.length]);
                double[] s = second.computeIfAbsent(name, k -> new double[v.length]);
                double alpha = a.stepSize(steps);
                for (int i = 0; i < v.length; i++) {
                    m[i] = a.beta1() * m[i] + (1 - a.beta1()) * g[i];
                    s[i] = a.beta2() * s[i] + (1 - a.beta2()) * g[i] * g[i];
                    v[i] -= (float) (alpha * m[i] / (Math.sqrt(s[i]) + a.epsilon()));
                }
            }
            out.put(name, new FloatTensor(t.shape(), v));
        }
        return new Weights(out);
    }

    private static double[] filled(int n, double value) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, value);
        return a;
    }
}
