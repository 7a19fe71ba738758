package org.recsys4j.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.CrossLayerSpec;
import org.recsys4j.spec.DenseLayerSpec;
import org.recsys4j.spec.HeadLayerSpec;
import org.recsys4j.spec.RankingLoss;
import org.recsys4j.spec.RankingTask;

/**
 * A ranking head's loss and gradients written out by hand in double precision, layer by layer:
 * the reference the backends' backward passes are checked against (and which is itself checked
 * against finite differences of {@code RankingHead} and {@code Ranking.loss}).
 */
public final class HandRanking {
    private HandRanking() {
    }

    /** The loss and the gradient of every head weight by name, and of the head's input ({@code "input"}). */
    public record Result(double loss, Map<String, double[]> gradients) {
    }

    /**
     * The head of {@code task} at weights {@code w} on {@code n} rows of {@code input} (row-major, {@code inputDim}
     * wide), against {@code labels}, each row weighted by {@code sampleWeights} (null: all 1).
     */
    public static Result lossAndGradients(RankingTask task, Weights w, double[] input, int n, int inputDim,
            float[] labels, float[] sampleWeights) {
        List<HeadLayerSpec> layers = task.layers();
        double[][] acts = new double[layers.size() + 1][];
        double[][] pre = new double[layers.size()][];
        int[] widths = new int[layers.size() + 1];
        acts[0] = input;
        widths[0] = inputDim;
        for (int l = 0; l < layers.size(); l++) {
            int in = widths[l];
            if (layers.get(l) instanceof CrossLayerSpec c) {
                float[] bias = w.get(task.biasName(l)).data();
                double[] p = c.lowRank()
                        ? affine(affine(acts[l], n, in, w.get(task.kernelUName(l)).data(), null, c.projectionDim()),
                                n, c.projectionDim(), w.get(task.kernelVName(l)).data(), bias, in)
                        : affine(acts[l], n, in, w.get(task.kernelName(l)).data(), bias, in);
                pre[l] = p;
                double[] y = new double[n * in];
                for (int i = 0; i < y.length; i++) {
                    y[i] = input[i] * p[i] + acts[l][i];
                }
                acts[l + 1] = y;
                widths[l + 1] = in;
            } else {
                DenseLayerSpec d = (DenseLayerSpec) layers.get(l);
                double[] z = affine(acts[l], n, in, w.get(task.kernelName(l)).data(), w.get(task.biasName(l)).data(),
                        d.units());
                pre[l] = z;
                double[] y = new double[z.length];
                for (int i = 0; i < z.length; i++) {
                    y[i] = switch (d.activation()) {
                        case LINEAR -> z[i];
                        case RELU -> Math.max(z[i], 0);
                        case TANH -> Math.tanh(z[i]);
                        case SIGMOID -> 1 / (1 + Math.exp(-z[i]));
                    };
                }
                acts[l + 1] = y;
                widths[l + 1] = d.units();
            }
        }
        double[] out = acts[layers.size()];
        double loss = 0;
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            double sw = sampleWeights == null ? 1 : sampleWeights[i];
            double z = out[i];
            double y = labels[i];
            if (task.loss() == RankingLoss.MEAN_SQUARED_ERROR) {
                loss += sw * (z - y) * (z - y);
                g[i] = sw * 2 * (z - y) / n;
            } else {
                loss += sw * (Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z))));
                g[i] = sw * (1 / (1 + Math.exp(-z)) - y) / n;
            }
        }
        loss /= n;
        Map<String, double[]> grads = new LinkedHashMap<>();
        double[] gInput = new double[n * inputDim];
        for (int l = layers.size() - 1; l >= 0; l--) {
            int in = widths[l];
            double[] x = acts[l];
            if (layers.get(l) instanceof CrossLayerSpec c) {
                // y = x0 * p + x, p = x W + b: dp = x0 * dy; dx = dy + dp W^T; dx0 += p * dy
                double[] dp = new double[n * in];
                double[] dx = g.clone();
                for (int i = 0; i < dp.length; i++) {
                    dp[i] = input[i] * g[i];
                    gInput[i] += pre[l][i] * g[i];
                }
                grads.put(task.biasName(l), columnSums(dp, n, in));
                if (c.lowRank()) {
                    int r = c.projectionDim();
                    float[] u = w.get(task.kernelUName(l)).data();
                    float[] v = w.get(task.kernelVName(l)).data();
                    double[] h = affine(x, n, in, u, null, r);
                    grads.put(task.kernelVName(l), outer(h, dp, n, r, in));
                    double[] dh = backThrough(dp, n, in, v, r);
                    grads.put(task.kernelUName(l), outer(x, dh, n, in, r));
                    add(dx, backThrough(dh, n, r, u, in));
                } else {
                    float[] k = w.get(task.kernelName(l)).data();
                    grads.put(task.kernelName(l), outer(x, dp, n, in, in));
                    add(dx, backThrough(dp, n, in, k, in));
                }
                g = dx;
            } else {
                DenseLayerSpec d = (DenseLayerSpec) layers.get(l);
                double[] dz = new double[g.length];
                for (int i = 0; i < g.length; i++) {
                    double y = acts[l + 1][i];
                    dz[i] = g[i] * switch (d.activation()) {
                        case LINEAR -> 1;
                        case RELU -> pre[l][i] > 0 ? 1 : 0;
                        case TANH -> 1 - y * y;
                        case SIGMOID -> y * (1 - y);
                    };
                }
                grads.put(task.biasName(l), columnSums(dz, n, d.units()));
                grads.put(task.kernelName(l), outer(x, dz, n, in, d.units()));
                g = backThrough(dz, n, d.units(), w.get(task.kernelName(l)).data(), in);
            }
        }
        add(gInput, g);
        grads.put("input", gInput);
        return new Result(loss, grads);
    }

    static double[] affine(double[] x, int n, int in, float[] w, float[] b, int out) {
        double[] y = new double[n * out];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int k = 0; k < in; k++) {
                    s += x[i * in + k] * w[k * out + o];
                }
                y[i * out + o] = s;
            }
        }
        return y;
    }

    /** {@code dy W^T}: the gradient of {@code x W} with respect to x. */
    private static double[] backThrough(double[] dy, int n, int out, float[] w, int in) {
        double[] dx = new double[n * in];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < in; k++) {
                double s = 0;
                for (int o = 0; o < out; o++) {
                    s += dy[i * out + o] * w[k * out + o];
                }
                dx[i * in + k] = s;
            }
        }
        return dx;
    }

    /** {@code x^T dy}: the gradient of {@code x W} with respect to W. */
    private static double[] outer(double[] x, double[] dy, int n, int in, int out) {
        double[] g = new double[in * out];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < in; k++) {
                for (int o = 0; o < out; o++) {
                    g[k * out + o] += x[i * in + k] * dy[i * out + o];
                }
            }
        }
        return g;
    }

    private static double[] columnSums(double[] x, int n, int width) {
        double[] s = new double[width];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < width; k++) {
                s[k] += x[i * width + k];
            }
        }
        return s;
    }

    private static void add(double[] to, double[] from) {
        for (int i = 0; i < to.length; i++) {
            to[i] += from[i];
        }
    }
}
