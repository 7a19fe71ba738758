package org.recsys4j.model;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.recsys4j.spec.ModelSpec;
import org.recsys4j.spec.RetrievalSpec;

/**
 * Keras's default initial values, drawn in Java from a seed so that every backend starts a model
 * from the same numbers: embeddings uniform in [-0.05, 0.05], dense and cross kernels
 * Glorot-uniform, biases zero.
 */
public final class Initializers {
    private Initializers() {
    }

    /** Initial weights for every tensor of {@code spec}, drawn from {@code seed}. */
    public static Weights initialWeights(RetrievalSpec spec, long seed) {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        add(out, spec.query().weightShapes(), seed);
        add(out, spec.candidate().weightShapes(), seed);
        return new Weights(out);
    }

    /** Every weight of {@code spec}: a retrieval-only model starts from the same numbers as its RetrievalSpec. */
    public static Weights initialWeights(ModelSpec spec, long seed) {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        add(out, spec.weightShapes(), seed);
        return new Weights(out);
    }

    private static void add(Map<String, FloatTensor> out, Map<String, int[]> shapes, long seed) {
        for (var e : shapes.entrySet()) {
            String name = e.getKey();
            int[] shape = e.getValue();
            // One stream per weight name: adding a layer does not change the other tensors' values.
            SplittableRandom random = new SplittableRandom(seed ^ fnv(name));
            FloatTensor t = FloatTensor.zeros(shape);
            float[] v = t.data();
            if (name.endsWith("/embedding")) {
                fill(v, random, 0.05);
            } else if (name.endsWith("/kernel") || name.endsWith("/kernel_u") || name.endsWith("/kernel_v")) {
                // Glorot-uniform over [fan_in, fan_out]: dense kernels and the cross layers' (the DCN tutorial's
                // choice)
                fill(v, random, Math.sqrt(6.0 / (shape[0] + shape[1])));
            }
            out.put(name, t);
        }
    }

    private static void fill(float[] v, SplittableRandom random, double limit) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextDouble(-limit, limit);
        }
    }

    private static long fnv(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ b) * 0x100000001b3L;
        }
        return h;
    }
}
