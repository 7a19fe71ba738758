package org.recsys4j.nd4j;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.recsys4j.model.FloatTensor;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.Activation;
import org.recsys4j.spec.DenseLayerSpec;
import org.recsys4j.spec.TowerSpec;

/**
 * A tower's weights on ND4J and its forward and backward pass over a set of embedding rows. The
 * embedding table stays a Java array: a step touches a few hundred rows, which are gathered into
 * an {@link INDArray} and updated in place, so the table is never copied whole. Dense layers are
 * BLAS matrix products.
 */
final class TowerNet implements AutoCloseable {
    final TowerSpec spec;
    final float[] table;
    final INDArray[] kernels;
    final INDArray[] biases;

    TowerNet(TowerSpec spec, Weights weights) {
        this.spec = spec;
        this.table = weights.get(spec.embeddingName()).data().clone();
        int n = spec.layers().size();
        kernels = new INDArray[n];
        biases = new INDArray[n];
        try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (int i = 0; i < n; i++) {
                kernels[i] = array(weights.get(spec.kernelName(i)));
                biases[i] = array(weights.get(spec.biasName(i))).reshape(1, spec.layers().get(i).units());
            }
        }
    }

    static INDArray array(FloatTensor t) {
        long[] shape = new long[t.rank()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.dim(i);
        }
        return Nd4j.create(t.data().clone(), shape, DataType.FLOAT);
    }

    /** Frees the dense weights' native memory. */
    @Override
    public void close() {
        for (INDArray k : kernels) {
            k.close();
        }
        for (INDArray b : biases) {
            b.close();
        }
    }

    /** The activations of one forward pass, kept for the backward pass. */
    static final class Pass {
        final int[] rows;
        final List<INDArray> inputs = new ArrayList<>();
        final List<INDArray> outputs = new ArrayList<>();
        INDArray output;

        Pass(int[] rows) {
            this.rows = rows;
        }
    }

    Pass forward(int[] rows) {
        int d = spec.embeddingDim();
        float[] x = org.recsys4j.model.Embeddings.gather(table, d, rows).data();
        Pass pass = new Pass(rows);
        INDArray h = Nd4j.create(x, new long[] {rows.length, d}, DataType.FLOAT);
        for (int l = 0; l < kernels.length; l++) {
            pass.inputs.add(h);
            h = activate(h.mmul(kernels[l]).addiRowVector(biases[l]), spec.layers().get(l).activation());
            pass.outputs.add(h);
        }
        pass.output = h;
        return pass;
    }

    private static INDArray activate(INDArray z, Activation a) {
        return switch (a) {
            case LINEAR -> z;
            case RELU -> Transforms.relu(z, false);
            case TANH -> Transforms.tanh(z, false);
            case SIGMOID -> Transforms.sigmoid(z, false);
        };
    }

    /** Gradients of one backward pass: per gathered row of the table, and per dense weight. */
    record Gradients(float[] rows, INDArray[] kernels, INDArray[] biases) {
    }

    Gradients backward(Pass pass, float[] gradOutput) {
        int n = kernels.length;
        if (n == 0) {
            return new Gradients(gradOutput, new INDArray[0], new INDArray[0]);
        }
        INDArray[] gk = new INDArray[n];
        INDArray[] gb = new INDArray[n];
        INDArray g = Nd4j.create(gradOutput, new long[] {pass.rows.length, spec.outputDim()}, DataType.FLOAT);
        for (int l = n - 1; l >= 0; l--) {
            INDArray y = pass.outputs.get(l);
            DenseLayerSpec layer = spec.layers().get(l);
            INDArray gz = switch (layer.activation()) {
                case LINEAR -> g;
                case RELU -> g.mul(y.gt(0).castTo(DataType.FLOAT));
                case TANH -> g.mul(y.mul(y).rsubi(1));
                case SIGMOID -> g.mul(y.mul(y.rsub(1)));
            };
            INDArray x = pass.inputs.get(l);
            gk[l] = x.transpose().mmul(gz);
            gb[l] = gz.sum(true, 0);
            g = gz.mmul(kernels[l].transpose());
        }
        return new Gradients(g.dup('c').data().asFloat(), gk, gb);
    }
}
