package org.recsys4j.model;

import java.util.List;
import java.util.Objects;
import org.recsys4j.spec.CrossLayerSpec;
import org.recsys4j.spec.DenseLayerSpec;
import org.recsys4j.spec.HeadLayerSpec;
import org.recsys4j.spec.RankingTask;

/**
 * A ranking task's head evaluated in plain Java from its weights: the reference every backend's
 * head is checked against, and a way to score a bundle with no native runtime. Sums are kept in
 * double, so it is also the yardstick for float rounding.
 */
public final class RankingHead {
    private final RankingTask task;
    private final int inputDim;
    private final Weights weights;

    /** The head of {@code task} over inputs of {@code inputDim}, at {@code weights}. */
    public RankingHead(RankingTask task, int inputDim, Weights weights) {
        this.task = Objects.requireNonNull(task);
        this.inputDim = inputDim;
        this.weights = Objects.requireNonNull(weights);
        task.weightShapes(inputDim).keySet().forEach(weights::get);
    }

    /** The ranking task this head computes. */
    public RankingTask task() {
        return task;
    }

    /** The width of the head's input, the towers' outputs concatenated. */
    public int inputDim() {
        return inputDim;
    }

    /** The towers' outputs side by side, row for row: the head's input. */
    public static float[] concat(List<Embeddings> parts) {
        int n = parts.get(0).rows();
        int width = 0;
        for (Embeddings e : parts) {
            if (e.rows() != n) {
                throw new IllegalArgumentException("inputs of " + n + " and " + e.rows()
                        + " rows cannot be concatenated");
            }
            width += e.dim();
        }
        float[] x = new float[n * width];
        int offset = 0;
        for (Embeddings e : parts) {
            for (int i = 0; i < n; i++) {
                System.arraycopy(e.data(), i * e.dim(), x, i * width + offset, e.dim());
            }
            offset += e.dim();
        }
        return x;
    }

    /** The head's output per example (a rating, or a logit) for {@code n} rows of {@code inputDim} floats. */
    public float[] forward(float[] input, int n) {
        if (input.length != n * inputDim) {
            throw new IllegalArgumentException("a head of input width " + inputDim + " needs " + n * inputDim
                    + " floats for " + n + " rows, got " + input.length);
        }
        float[] x = input;
        int width = inputDim;
        List<HeadLayerSpec> layers = task.layers();
        for (int l = 0; l < layers.size(); l++) {
            HeadLayerSpec layer = layers.get(l);
            if (layer instanceof CrossLayerSpec cross) {
                float[] bias = weights.get(task.biasName(l)).data();
                float[] p;
                if (cross.lowRank()) {
                    int r = cross.projectionDim();
                    float[] h = affine(x, n, width, weights.get(task.kernelUName(l)).data(), null, r);
                    p = affine(h, n, r, weights.get(task.kernelVName(l)).data(), bias, width);
                } else {
                    p = affine(x, n, width, weights.get(task.kernelName(l)).data(), bias, width);
                }
                float[] y = new float[n * width];
                for (int i = 0; i < y.length; i++) {
                    y[i] = input[i] * p[i] + x[i];
                }
                x = y;
            } else {
                DenseLayerSpec dense = (DenseLayerSpec) layer;
                x = affine(x, n, width, weights.get(task.kernelName(l)).data(), weights.get(task.biasName(l)).data(),
                        dense.units());
                for (int i = 0; i < x.length; i++) {
                    x[i] = dense.activation().apply(x[i]);
                }
                width = dense.units();
            }
        }
        return x;
    }

    /** {@code x W + b} for row-major x {@code [n, in]}, W {@code [in, out]}; b may be null. */
    static float[] affine(float[] x, int n, int in, float[] w, float[] b, int out) {
        float[] y = new float[n * out];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int k = 0; k < in; k++) {
                    s += (double) x[i * in + k] * w[k * out + o];
                }
                y[i * out + o] = (float) s;
            }
        }
        return y;
    }
}
