package org.recsys4j.nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.recsys4j.model.Features;
import org.recsys4j.model.FloatTensor;
import org.recsys4j.model.TowerInputs;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.Activation;
import org.recsys4j.spec.DenseLayerSpec;
import org.recsys4j.spec.OutputBias;
import org.recsys4j.spec.TowerSpec;

/**
 * A tower's weights on ND4J and its forward and backward pass over a set of embedding rows. The
 * embedding tables (the id's and each feature's) stay Java arrays: a step touches a few hundred
 * rows, whose sum ({@link TowerInputs}, the reference tower's own input layer) goes into an
 * {@link INDArray}, and only those rows are updated, so no table is ever copied whole. Dense
 * layers are BLAS matrix products.
 */
final class TowerNet implements AutoCloseable {
    final TowerSpec spec;
    /** The id table. */
    final float[] table;
    /** Every table by weight name, the id table first, in {@link TowerSpec#weightShapes()} order. */
    final Map<String, float[]> tables = new LinkedHashMap<>();
    final INDArray[] kernels;
    final INDArray[] biases;
    /** The learned score bias per id row ({@code OutputBias.LEARNED}), else null. */
    final float[] scoreBias;
    private final FeatureGradients featureGradients;

    TowerNet(TowerSpec spec, Weights weights) {
        this.spec = spec;
        this.table = weights.get(spec.embeddingName()).data().clone();
        tables.put(spec.embeddingName(), table);
        for (var f : spec.features()) {
            tables.put(spec.featureEmbeddingName(f), weights.get(spec.featureEmbeddingName(f)).data().clone());
        }
        this.featureGradients = new FeatureGradients(spec);
        this.scoreBias = spec.outputBias() == OutputBias.LEARNED ? weights.get(spec.scoreBiasName()).data().clone()
                : null;
        int n = spec.layers().size();
        kernels = new INDArray[n];
        biases = new INDArray[n];
        try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (int i = 0; i < n; i++) {
                kernels[i] = array(weights.get(spec.kernelName(i)));
                biases[i] = array(weights.get(spec.biasName(i)));
            }
        }
    }

    /** A matrix (a vector as one row) of the tensor's values, copied straight into native memory. */
    static INDArray array(FloatTensor t) {
        long rows = t.rank() == 1 ? 1 : t.dim(0);
        return NativeFloats.matrix(t.data(), rows, t.data().length / Math.max(1, rows));
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
        final Features context;
        final List<INDArray> inputs = new ArrayList<>();
        final List<INDArray> outputs = new ArrayList<>();
        /** With a normalised output: the unit rows and each row's scale, for the backward pass. */
        float[] normalized;
        float[] normalizeScale;
        /** The output in native memory, or null while only its values are at hand. */
        private INDArray output;
        /** The output's values, row-major, when they are at hand in Java (or once copied out). */
        private float[] values;
        private int width;

        Pass(int[] rows, Features context) {
            this.rows = rows;
            this.context = context;
        }

        /** Floats per output row. */
        int width() {
            return width;
        }

        /** The output's values, row-major: copied from native memory at most once. */
        float[] values() {
            if (values == null) {
                values = NativeFloats.copy(output);
            }
            return values;
        }

        /** The output as a native matrix: copied from its values, in the current workspace, at most once. */
        INDArray output() {
            if (output == null) {
                output = NativeFloats.matrix(values, rows.length, width);
            }
            return output;
        }
    }

    Pass forward(int[] rows) {
        return forward(rows, Features.none());
    }

    /**
     * @param context per context feature, one row or value per output; a feature not given reads
     *     row 0, or 0 (derived features follow from {@code rows})
     */
    Pass forward(int[] rows, Features context) {
        int d = spec.embeddingDim();
        float[] x = TowerInputs.sum(spec, tables, rows, context);
        Pass pass = new Pass(rows, context);
        if (kernels.length == 0 && !spec.normalize() && spec.outputBias() == OutputBias.NONE) {
            // the output is the input: kept in Java, made a native array only when asked (ND4J's arrays cost)
            pass.values = x;
            pass.width = d;
            return pass;
        }
        INDArray h = NativeFloats.matrix(x, rows.length, d);
        // the output's values as a Java array while it is one (an id tower's output is its input)
        float[] values = kernels.length == 0 ? x : null;
        for (int l = 0; l < kernels.length; l++) {
            pass.inputs.add(h);
            h = activate(Gemm.product(h, kernels[l], false, false).addiRowVector(biases[l]),
                    spec.layers().get(l).activation());
            pass.outputs.add(h);
        }
        if (spec.normalize()) {
            float[] y = NativeFloats.copy(h);
            pass.normalizeScale = TowerInputs.normalizeRows(y, rows.length, spec.denseOutputDim());
            pass.normalized = y;
            h = NativeFloats.matrix(y, rows.length, spec.denseOutputDim());
            values = y;
        }
        if (spec.outputBias() != OutputBias.NONE) {
            float[] column = new float[rows.length];
            for (int i = 0; i < rows.length; i++) {
                column[i] = scoreBias != null ? scoreBias[rows[i]] : 1f;
            }
            h = Nd4j.hstack(h, NativeFloats.matrix(column, rows.length, 1));
            values = null;
        }
        pass.output = h;
        pass.values = values;
        pass.width = (int) h.columns();
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

    /** A table's gradient on the rows a batch touched: distinct rows, {@code d} floats each. */
    record RowGradient(int[] rows, float[] values) {
    }

    /** Gradients of one backward pass: per table by weight name (the rows it touched), and per dense weight. */
    record Gradients(Map<String, RowGradient> tables, INDArray[] kernels, INDArray[] biases, RowGradient scoreBias) {
    }

    Gradients backward(Pass pass, float[] gradOutput) {
        RowGradient bias = null;
        if (spec.outputBias() != OutputBias.NONE) {
            // the bias column's gradient goes to the bias rows (a constant 1 has none); the rest goes down
            int width = spec.denseOutputDim();
            int rowsCount = pass.rows.length;
            float[] dense = new float[rowsCount * width];
            float[] column = new float[rowsCount];
            for (int i = 0; i < rowsCount; i++) {
                System.arraycopy(gradOutput, i * (width + 1), dense, i * width, width);
                column[i] = gradOutput[i * (width + 1) + width];
            }
            gradOutput = dense;
            bias = scoreBias != null ? sumDuplicates(pass.rows, column, 1) : null;
        }
        if (spec.normalize()) {
            gradOutput = TowerInputs.normalizeRowsBackward(pass.normalized, pass.normalizeScale, gradOutput,
                    pass.rows.length, spec.denseOutputDim());
        }
        int n = kernels.length;
        if (n == 0) {
            return new Gradients(tableGradients(pass, gradOutput), new INDArray[0], new INDArray[0], bias);
        }
        INDArray[] gk = new INDArray[n];
        INDArray[] gb = new INDArray[n];
        INDArray g = NativeFloats.matrix(gradOutput, pass.rows.length, spec.denseOutputDim());
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
            gk[l] = Gemm.product(x, gz, true, false);
            gb[l] = gz.sum(true, 0);
            g = Gemm.product(gz, kernels[l], false, true);
        }
        return new Gradients(tableGradients(pass, NativeFloats.copy(g)), gk, gb, bias);
    }

    /** The input layer's gradient (one row per output) onto the id table and every feature table. */
    private Map<String, RowGradient> tableGradients(Pass pass, float[] gradInput) {
        Map<String, RowGradient> out = new LinkedHashMap<>();
        out.put(spec.embeddingName(), sumDuplicates(pass.rows, gradInput, spec.embeddingDim()));
        out.putAll(featureGradients.of(pass.rows, pass.context, gradInput));
        return out;
    }

    /** One gradient per distinct row, duplicates summed in order, as Keras sums an IndexedSlices' duplicates. */
    static RowGradient sumDuplicates(int[] rows, float[] grads, int d) {
        if (!hasDuplicates(rows)) {
            return new RowGradient(rows, grads);
        }
        var u = org.recsys4j.task.DeduplicatedBatch.of(rows, rows, null);
        int[] distinct = u.queryRows();
        int[] of = u.queryOf();
        float[] summed = new float[distinct.length * d];
        for (int i = 0; i < rows.length; i++) {
            for (int k = 0; k < d; k++) {
                summed[of[i] * d + k] += grads[i * d + k];
            }
        }
        return new RowGradient(distinct, summed);
    }

    /**
     * Whether the pass's output gradient is its id table's gradient as is: the output is the table's
     * row (no feature, dense layer, normalisation or bias column) and the rows are distinct.
     */
    boolean outputIsTableRow(Pass pass) {
        return spec.features().isEmpty() && kernels.length == 0 && !spec.normalize()
                && spec.outputBias() == OutputBias.NONE && !hasDuplicates(pass.rows);
    }

    private static boolean hasDuplicates(int[] rows) {
        java.util.BitSet seen = new java.util.BitSet();
        for (int r : rows) {
            if (seen.get(r)) {
                return true;
            }
            seen.set(r);
        }
        return false;
    }
}
