package org.recsys4j.nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.recsys4j.model.FloatTensor;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.Activation;
import org.recsys4j.spec.CrossLayerSpec;
import org.recsys4j.spec.DenseLayerSpec;
import org.recsys4j.spec.HeadLayerSpec;
import org.recsys4j.spec.RankingTask;

/**
 * A ranking task's head on ND4J: its weights, and its forward and backward pass over a batch's
 * concatenated tower outputs. Products are direct BLAS calls ({@link Gemm}); everything
 * elementwise (bias, activation, the cross layer's products and their gradients) is a loop over
 * Java arrays: ND4J's elementwise ops cost several times more on these 8,192-row matrices
 * (measured with JFR: 70% of a step against 20% for the products). Cross layers
 * ({@code y = x0 * (x W + b) + x}) come first, then dense layers, as the spec requires.
 */
final class HeadNet implements AutoCloseable {
    final RankingTask task;
    final int inputDim;
    /** Every weight by name, in {@link RankingTask#weightShapes} order; a bias is a {@code [1, units]} row. */
    final Map<String, INDArray> weights = new LinkedHashMap<>();

    HeadNet(RankingTask task, int inputDim, Weights initial) {
        this.task = task;
        this.inputDim = inputDim;
        try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (var e : task.weightShapes(inputDim).entrySet()) {
                FloatTensor t = initial.get(e.getKey());
                long[] shape = t.rank() == 1 ? new long[] {1, t.dim(0)} : new long[] {t.dim(0), t.dim(1)};
                weights.put(e.getKey(), Nd4j.create(t.data().clone(), shape, DataType.FLOAT));
            }
        }
    }

    /** What a forward pass keeps for the backward one, row-major in Java: each layer's input and output. */
    static final class Pass {
        final int n;
        final float[] input;
        final List<float[]> inputs = new ArrayList<>();
        final List<float[]> outputs = new ArrayList<>();
        /** A cross layer's {@code x W + b}; null for a dense layer. */
        final List<float[]> crossProducts = new ArrayList<>();
        /** A low-rank cross layer's {@code x U}; null otherwise. */
        final List<INDArray> lowRankHidden = new ArrayList<>();
        float[] output;

        Pass(float[] input, int n) {
            this.input = input;
            this.n = n;
        }
    }

    /** @param x0 the head's input, {@code n x inputDim} row-major */
    Pass forward(float[] x0, int n) {
        Pass pass = new Pass(x0, n);
        float[] x = x0;
        int width = inputDim;
        List<HeadLayerSpec> layers = task.layers();
        for (int l = 0; l < layers.size(); l++) {
            pass.inputs.add(x);
            INDArray in = NativeFloats.matrix(x, n, width);
            if (layers.get(l) instanceof CrossLayerSpec cross) {
                INDArray product;
                if (cross.lowRank()) {
                    INDArray h = Gemm.product(in, weights.get(task.kernelUName(l)), false, false);
                    pass.lowRankHidden.add(h);
                    product = Gemm.product(h, weights.get(task.kernelVName(l)), false, false);
                } else {
                    pass.lowRankHidden.add(null);
                    product = Gemm.product(in, weights.get(task.kernelName(l)), false, false);
                }
                float[] p = NativeFloats.copy(product);
                addBias(p, NativeFloats.copy(weights.get(task.biasName(l))));
                pass.crossProducts.add(p);
                float[] y = new float[p.length];
                for (int i = 0; i < y.length; i++) {
                    y[i] = x0[i] * p[i] + x[i];
                }
                x = y;
            } else {
                DenseLayerSpec dense = (DenseLayerSpec) layers.get(l);
                float[] z = NativeFloats.copy(Gemm.product(in, weights.get(task.kernelName(l)), false, false));
                addBias(z, NativeFloats.copy(weights.get(task.biasName(l))));
                activate(z, dense.activation());
                pass.crossProducts.add(null);
                pass.lowRankHidden.add(null);
                x = z;
                width = dense.units();
            }
            pass.outputs.add(x);
        }
        pass.output = x;
        return pass;
    }

    private static void addBias(float[] x, float[] bias) {
        int u = bias.length;
        for (int i = 0; i < x.length; i += u) {
            for (int k = 0; k < u; k++) {
                x[i + k] += bias[k];
            }
        }
    }

    private static void activate(float[] z, Activation a) {
        if (a == Activation.RELU) {
            for (int i = 0; i < z.length; i++) {
                z[i] = z[i] > 0 ? z[i] : 0f;
            }
        } else if (a != Activation.LINEAR) {
            for (int i = 0; i < z.length; i++) {
                z[i] = a.apply(z[i]);
            }
        }
    }

    /** Gradients of one backward pass: each weight's by name, and the head input's (row-major). */
    record Gradients(Map<String, INDArray> weights, float[] input) {
    }

    /** @param gradOutput the loss's gradient with respect to each example's output */
    Gradients backward(Pass pass, float[] gradOutput) {
        int n = pass.n;
        Map<String, INDArray> grads = new LinkedHashMap<>();
        float[] g = gradOutput;
        float[] gradX0 = null;
        List<HeadLayerSpec> layers = task.layers();
        for (int l = layers.size() - 1; l >= 0; l--) {
            float[] x = pass.inputs.get(l);
            int in = x.length / n;
            if (layers.get(l) instanceof CrossLayerSpec cross) {
                // y = x0 * p + x: dp = x0 * dy, dx = dy + dp W^T, dx0 += p * dy
                float[] p = pass.crossProducts.get(l);
                float[] dp = new float[g.length];
                if (gradX0 == null) {
                    gradX0 = new float[g.length];
                }
                for (int i = 0; i < g.length; i++) {
                    dp[i] = pass.input[i] * g[i];
                    gradX0[i] += p[i] * g[i];
                }
                grads.put(task.biasName(l), columnSums(dp, in));
                INDArray dpm = NativeFloats.matrix(dp, n, in);
                INDArray dx = NativeFloats.matrix(g, n, in);
                if (cross.lowRank()) {
                    INDArray u = weights.get(task.kernelUName(l));
                    INDArray v = weights.get(task.kernelVName(l));
                    grads.put(task.kernelVName(l), Gemm.product(pass.lowRankHidden.get(l), dpm, true, false));
                    INDArray dh = Gemm.product(dpm, v, false, true);
                    grads.put(task.kernelUName(l), Gemm.product(NativeFloats.matrix(x, n, in), dh, true, false));
                    Gemm.into(dh, u, dx, false, true, 1f, 1f);
                } else {
                    grads.put(task.kernelName(l), Gemm.product(NativeFloats.matrix(x, n, in), dpm, true, false));
                    Gemm.into(dpm, weights.get(task.kernelName(l)), dx, false, true, 1f, 1f);
                }
                g = NativeFloats.copy(dx);
            } else {
                DenseLayerSpec dense = (DenseLayerSpec) layers.get(l);
                float[] y = pass.outputs.get(l);
                float[] gz = g == gradOutput ? g.clone() : g;
                switch (dense.activation()) {
                    case LINEAR -> { }
                    case RELU -> {
                        for (int i = 0; i < gz.length; i++) {
                            gz[i] = y[i] > 0 ? gz[i] : 0f;
                        }
                    }
                    case TANH -> {
                        for (int i = 0; i < gz.length; i++) {
                            gz[i] *= 1 - y[i] * y[i];
                        }
                    }
                    case SIGMOID -> {
                        for (int i = 0; i < gz.length; i++) {
                            gz[i] *= y[i] * (1 - y[i]);
                        }
                    }
                }
                INDArray gzm = NativeFloats.matrix(gz, n, dense.units());
                grads.put(task.kernelName(l), Gemm.product(NativeFloats.matrix(x, n, in), gzm, true, false));
                grads.put(task.biasName(l), columnSums(gz, dense.units()));
                g = NativeFloats.copy(Gemm.product(gzm, weights.get(task.kernelName(l)), false, true));
            }
        }
        if (gradX0 != null) {
            for (int i = 0; i < g.length; i++) {
                g[i] += gradX0[i];
            }
        }
        return new Gradients(grads, g);
    }

    /** Sums of each column of a row-major matrix {@code width} wide, as a {@code [1, width]} row. */
    private static INDArray columnSums(float[] x, int width) {
        float[] s = new float[width];
        for (int i = 0; i < x.length; i += width) {
            for (int k = 0; k < width; k++) {
                s[k] += x[i + k];
            }
        }
        return NativeFloats.matrix(s, 1, width);
    }

    /** The head's weights as tensors, in spec order. */
    void addWeights(Map<String, FloatTensor> out) {
        task.weightShapes(inputDim).forEach((name, shape) ->
                out.put(name, new FloatTensor(shape, NativeFloats.copy(weights.get(name)))));
    }

    @Override
    public void close() {
        weights.values().forEach(INDArray::close);
    }
}
