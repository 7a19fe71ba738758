package org.recsys4j.nd4j;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.Adam;
import org.recsys4j.spec.Optimizer;

/**
 * Keras Adagrad or Adam over dense ND4J weights (a ranking head's, or a tower's dense layers under
 * Adam). The slots are Java arrays and the update a loop: these weights are small (a 64 x 256
 * kernel), and ND4J's elementwise ops cost more in dispatch than the arithmetic (they were the
 * largest share of a ranking step, measured with JFR).
 */
final class ArrayOptimizer implements AutoCloseable {
    private final Optimizer optimizer;
    private final Map<String, INDArray> weights;
    private final Map<String, float[]> first = new LinkedHashMap<>();
    private final Map<String, float[]> second = new LinkedHashMap<>();
    private long steps;

    ArrayOptimizer(Optimizer optimizer, Map<String, INDArray> weights) {
        this.optimizer = optimizer;
        this.weights = weights;
        weights.forEach((name, w) -> {
            float[] a = new float[(int) w.length()];
            if (optimizer instanceof Adagrad adagrad) {
                java.util.Arrays.fill(a, (float) adagrad.initialAccumulatorValue());
            } else {
                second.put(name, new float[a.length]);
            }
            first.put(name, a);
        });
    }

    /** One update of every weight by its gradient (by name; a weight without one gets a zero gradient). */
    void apply(Map<String, INDArray> gradients) {
        steps++;
        for (var e : weights.entrySet()) {
            INDArray target = e.getValue();
            float[] w = NativeFloats.copy(target);
            INDArray grad = gradients.get(e.getKey());
            float[] g = grad == null ? new float[w.length] : NativeFloats.copy(grad);
            float[] s1 = first.get(e.getKey());
            if (optimizer instanceof Adagrad a) {
                float lr = (float) a.learningRate();
                float eps = (float) a.epsilon();
                for (int i = 0; i < w.length; i++) {
                    s1[i] += g[i] * g[i];
                    w[i] -= lr * g[i] / ((float) Math.sqrt(s1[i]) + eps);
                }
            } else {
                Adam a = (Adam) optimizer;
                float b1 = (float) a.beta1();
                float b2 = (float) a.beta2();
                float eps = (float) a.epsilon();
                float alpha = (float) a.stepSize(steps);
                float[] s2 = second.get(e.getKey());
                for (int i = 0; i < w.length; i++) {
                    s1[i] = b1 * s1[i] + (1 - b1) * g[i];
                    s2[i] = b2 * s2[i] + (1 - b2) * g[i] * g[i];
                    w[i] -= alpha * s1[i] / ((float) Math.sqrt(s2[i]) + eps);
                }
            }
            NativeFloats.write(target, w);
        }
    }

    @Override
    public void close() {
        // the slots are Java arrays
    }
}
