package org.recsys4j.tensorflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.spec.CrossLayerSpec;
import org.recsys4j.spec.DenseLayerSpec;
import org.recsys4j.spec.RankingLoss;
import org.recsys4j.spec.RankingTask;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A Ranking task's part of a model graph: its head's variables (set through placeholders, as a
 * tower's are), the head over the concatenated tower outputs, and the loss against a label
 * placeholder with Keras's reduction, {@code sum_i w_i l_i / n}.
 */
final class RankingTaskGraph {
    final RankingTask task;
    final Map<String, Variable<TFloat32>> variables = new LinkedHashMap<>();
    final Map<String, Placeholder<TFloat32>> initValues = new LinkedHashMap<>();
    final Map<String, Assign<TFloat32>> initializers = new LinkedHashMap<>();
    final Placeholder<TFloat32> labels;
    final Placeholder<TFloat32> weights;
    /** The head's output per example, {@code [n]}: a rating, or a logit. */
    final Operand<TFloat32> outputs;
    final Operand<TFloat32> loss;
    /** The head once per chunk of the batch's rows ({@link RowChunks}), all on the same variables. */
    private final List<Head> heads = new ArrayList<>();
    /** Each chunk's {@code outputs - labels}: the error whose square mean squared error sums. */
    private final List<Operand<TFloat32>> errors = new ArrayList<>();
    /** Each chunk's example weights, and the batch's size as a float: what the loss's gradient reads. */
    private List<Operand<TFloat32>> weightChunks;
    private Operand<TFloat32> n;
    /** Each first-layer kernel with its row of zeros for the ones column, built once for every chunk. */
    private final Map<Integer, Operand<TFloat32>> extendedKernels = new java.util.HashMap<>();

    /**
     * A dense layer of the head: its index, spec, input and (activated) output; with
     * {@code onesColumn}, its input ends in a column of ones and its kernel in a row of zeros.
     */
    private record DenseStep(int layer, DenseLayerSpec spec, Operand<TFloat32> in, Operand<TFloat32> out,
            boolean onesColumn) {
    }

    /**
     * The head on one chunk: the towers' outputs it reads, each {@code [rows, width]}, its output
     * per row, and the dense layers after the last cross layer, whose gradients {@link #backward}
     * builds.
     */
    private record Head(List<Operand<TFloat32>> inputs, Operand<TFloat32> outputs, List<DenseStep> dense) {
    }

    /** The head alone on the towers' outputs, without labels or loss: for serving. */
    static RankingTaskGraph serving(Ops tf, RankingTask task, int inputDim, List<Operand<TFloat32>> inputs) {
        return new RankingTaskGraph(tf, task, inputDim, List.of(inputs), null);
    }

    /**
     * The head for training, once per chunk of the batch.
     *
     * @param chunkInputs each chunk's tower outputs, in the task's input order
     * @param chunks how the batch's rows are cut, to cut the labels and weights the same way
     */
    static RankingTaskGraph training(Ops tf, RankingTask task, int inputDim,
            List<List<Operand<TFloat32>>> chunkInputs, RowChunks chunks) {
        return new RankingTaskGraph(tf, task, inputDim, chunkInputs, chunks);
    }

    private RankingTaskGraph(Ops tf, RankingTask task, int inputDim, List<List<Operand<TFloat32>>> chunkInputs,
            RowChunks chunks) {
        this.task = task;
        Ops scope = tf.withSubScope(task.name());
        for (var e : task.weightShapes(inputDim).entrySet()) {
            String local = e.getKey().substring(task.name().length() + 1).replace('/', '_');
            Shape shape = TowerGraph.shape(e.getValue());
            Variable<TFloat32> v = scope.withName(local).variable(shape, TFloat32.class);
            Placeholder<TFloat32> value = scope.withName(local + "_value").placeholder(TFloat32.class,
                    Placeholder.shape(shape));
            variables.put(e.getKey(), v);
            initValues.put(e.getKey(), value);
            initializers.put(e.getKey(), scope.withName(local + "_assign").assign(v, value));
        }
        boolean allDense = task.layers().stream().allMatch(l -> l instanceof DenseLayerSpec);
        for (List<Operand<TFloat32>> inputs : chunkInputs) {
            heads.add(head(scope, inputs, allDense));
        }
        outputs = heads.size() == 1 ? heads.get(0).outputs()
                : scope.withName("outputs").concat(heads.stream().map(Head::outputs).toList(), scope.constant(0));
        if (chunks == null) {
            labels = null;
            weights = null;
            loss = null;
            return;
        }
        labels = scope.withName("labels").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
        weights = scope.withName("example_weights").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
        List<Operand<TFloat32>> labelChunks = chunks.split(scope, labels);
        weightChunks = chunks.split(scope, weights);
        List<Operand<TFloat32>> sums = new ArrayList<>();
        for (int c = 0; c < heads.size(); c++) {
            Operand<TFloat32> out = heads.get(c).outputs();
            Operand<TFloat32> y = labelChunks.get(c);
            Operand<TFloat32> perExample;
            if (task.loss() == RankingLoss.MEAN_SQUARED_ERROR) {
                errors.add(scope.math.sub(out, y));
                perExample = scope.math.square(errors.get(c));
            } else {
                // max(z, 0) - z y + log(1 + exp(-|z|)), tf.nn.sigmoid_cross_entropy_with_logits's stable form
                perExample = scope.math.add(scope.math.sub(scope.nn.relu(out), scope.math.mul(out, y)),
                        scope.math.log1p(scope.math.exp(scope.math.neg(scope.math.abs(out)))));
            }
            sums.add(scope.reduceSum(scope.math.mul(perExample, weightChunks.get(c)), scope.constant(0)));
        }
        // Keras's reduction over the whole batch, sum_i w_i l_i / n, whatever the chunks
        n = scope.dtypes.cast(scope.size(labels), TFloat32.class);
        loss = scope.withName("loss").math.div(sums.size() == 1 ? sums.get(0) : scope.math.addN(sums), n);
    }

    /** The head on one chunk's tower outputs. */
    private Head head(Ops tf, List<Operand<TFloat32>> inputs, boolean onesColumn) {
        List<Operand<TFloat32>> parts = new ArrayList<>(inputs);
        if (onesColumn) {
            // a column of ones after the towers' outputs, so that the first layer's kernel gradient (X^T dZ)
            // carries its bias's gradient in its last row instead of a pass of its own over the batch
            Operand<TInt32> rows = tf.gather(tf.shape(inputs.get(0)), tf.constant(0), tf.constant(0));
            parts.add(tf.fill(tf.stack(List.of(rows, tf.constant(1))), tf.constant(1f)));
        }
        Operand<TFloat32> x0 = parts.size() == 1 ? parts.get(0) : tf.concat(parts, tf.constant(1));
        List<DenseStep> dense = new ArrayList<>();
        Operand<TFloat32> out = tf.reshape(layers(tf, x0, onesColumn, dense), tf.constant(new int[] {-1}));
        return new Head(List.copyOf(inputs), out, dense);
    }

    /**
     * The head's layers from its input: cross layers on {@code x0}, then dense layers, each a
     * MatMul, a BiasAdd and its activation, as Keras's Dense. The dense layers after the last cross
     * layer go to {@code dense} for {@link #backward}.
     */
    private Operand<TFloat32> layers(Ops tf, Operand<TFloat32> x0, boolean onesColumn, List<DenseStep> dense) {
        Operand<TFloat32> x = x0;
        for (int l = 0; l < task.layers().size(); l++) {
            if (task.layers().get(l) instanceof CrossLayerSpec cross) {
                Operand<TFloat32> p = cross.lowRank()
                        ? tf.linalg.matMul(tf.linalg.matMul(x, variables.get(task.kernelUName(l))),
                                variables.get(task.kernelVName(l)))
                        : tf.linalg.matMul(x, variables.get(task.kernelName(l)));
                p = tf.math.add(p, variables.get(task.biasName(l)));
                x = tf.math.add(tf.math.mul(x0, p), x);
                dense.clear();
            } else {
                DenseLayerSpec spec = (DenseLayerSpec) task.layers().get(l);
                Operand<TFloat32> in = x;
                Operand<TFloat32> kernel = variables.get(task.kernelName(l));
                boolean ones = l == 0 && onesColumn;
                if (ones) {
                    // the ones column meets a row of zeros: the bias stays a BiasAdd, which Grappler fuses
                    Operand<TFloat32> k = kernel;
                    kernel = extendedKernels.computeIfAbsent(l, i -> tf.concat(List.of(k, tf.zeros(
                            tf.constant(new int[] {1, spec.units()}), TFloat32.class)), tf.constant(0)));
                }
                x = tf.nn.biasAdd(tf.linalg.matMul(x, kernel), variables.get(task.biasName(l)),
                        new org.tensorflow.op.nn.BiasAdd.Options[0]);
                x = switch (spec.activation()) {
                    case LINEAR -> x;
                    case RELU -> tf.nn.relu(x);
                    case TANH -> tf.math.tanh(x);
                    case SIGMOID -> tf.math.sigmoid(x);
                };
                dense.add(new DenseStep(l, spec, in, x, ones));
            }
        }
        return x;
    }

    /**
     * The gradient of {@code weight * loss} with respect to each chunk's output ({@link #chunkOutputs}),
     * written out for mean squared error: {@code (w_i (2 weight / n)) (y'_i - y_i)}, one product per
     * chunk on the critical path where TensorFlow's gradient of the loss adds some fifteen small ops
     * between the forward and the backward pass. The same floats as TensorFlow's chain ({@code
     * ((weight / n) w_i) (2 (y'_i - y_i))}): a factor of 2 moved between products is exact.
     *
     * @return null for binary cross-entropy, whose gradient TensorFlow builds
     */
    List<Operand<TFloat32>> outputGradients(Ops tf, double weight) {
        if (task.loss() != RankingLoss.MEAN_SQUARED_ERROR) {
            return null;
        }
        Ops scope = tf.withSubScope(task.name() + "_loss_gradient");
        Operand<TFloat32> scale = scope.math.div(scope.constant((float) weight), n);
        Operand<TFloat32> twice = scope.math.mul(scope.constant(2f), scale);
        List<Operand<TFloat32>> out = new ArrayList<>();
        for (int c = 0; c < errors.size(); c++) {
            out.add(scope.math.mul(scope.math.mul(weightChunks.get(c), twice), errors.get(c)));
        }
        return out;
    }

    /** Each chunk's head output, {@code [rows]}: what the loss's gradient is taken with respect to. */
    List<Operand<TFloat32>> chunkOutputs() {
        return heads.stream().map(Head::outputs).toList();
    }

    /**
     * The gradients of the trailing dense layers by hand, from {@code dOutputs} (the trained
     * loss's gradient with respect to each chunk's output, {@link #chunkOutputs}): the ops
     * TensorFlow's own gradients would add, except that an activation's gradient reads the layer's
     * output (as Keras's does), never its pre-activation, so that Grappler fuses each MatMul,
     * BiasAdd and ReLU into one kernel. Each chunk's chain runs on its own; the chunks' weight
     * gradients are summed.
     *
     * @param grads receives each dense kernel's and bias's gradient by weight name
     * @return what the rest of the model's gradient starts from: tensors the dense layers read (the
     *     last cross layer's output, or each tower's output, in every chunk) and the loss's gradient
     *     with respect to each
     */
    Map<Operand<TFloat32>, Operand<TFloat32>> backward(Ops tf, List<Operand<TFloat32>> dOutputs,
            Map<String, Operand<TFloat32>> grads) {
        Ops scope = tf.withSubScope(task.name() + "_backward");
        List<Operand<TFloat32>> d = new ArrayList<>();
        for (Operand<TFloat32> dOut : dOutputs) {
            d.add(scope.reshape(dOut, scope.constant(new int[] {-1, 1})));
        }
        List<DenseStep> first = heads.get(0).dense();
        for (int i = first.size() - 1; i >= 0; i--) {
            DenseStep layer = first.get(i);
            Variable<TFloat32> kernel = variables.get(task.kernelName(layer.layer()));
            List<Operand<TFloat32>> dKernels = new ArrayList<>();
            List<Operand<TFloat32>> dBiases = new ArrayList<>();
            for (int c = 0; c < heads.size(); c++) {
                DenseStep s = heads.get(c).dense().get(i);
                Operand<TFloat32> dz = switch (s.spec().activation()) {
                    case LINEAR -> d.get(c);
                    case RELU -> scope.nn.reluGrad(d.get(c), s.out());
                    case TANH -> scope.math.tanhGrad(s.out(), d.get(c));
                    case SIGMOID -> scope.math.sigmoidGrad(s.out(), d.get(c));
                };
                dKernels.add(scope.linalg.matMul(s.in(), dz, MatMul.transposeA(true)));
                if (!s.onesColumn()) {
                    dBiases.add(scope.nn.biasAddGrad(dz, new org.tensorflow.op.nn.BiasAddGrad.Options[0]));
                }
                d.set(c, scope.linalg.matMul(dz, kernel, MatMul.transposeB(true)));
            }
            Operand<TFloat32> dKernel = sum(scope, dKernels);
            if (layer.onesColumn()) {
                // the last row is the ones column's: the bias's gradient
                int k = (int) kernel.shape().get(0);
                int units = layer.spec().units();
                grads.put(task.biasName(layer.layer()), scope.reshape(scope.slice(dKernel,
                        scope.constant(new int[] {k, 0}), scope.constant(new int[] {1, units})),
                        scope.constant(new int[] {units})));
                dKernel = scope.slice(dKernel, scope.constant(new int[] {0, 0}), scope.constant(new int[] {k, units}));
            } else {
                grads.put(task.biasName(layer.layer()), sum(scope, dBiases));
            }
            grads.put(task.kernelName(layer.layer()), dKernel);
        }
        Map<Operand<TFloat32>, Operand<TFloat32>> out = new java.util.LinkedHashMap<>();
        for (int c = 0; c < heads.size(); c++) {
            Head h = heads.get(c);
            if (!h.dense().get(0).onesColumn()) {
                out.put(h.dense().get(0).in(), d.get(c));
                continue;
            }
            // each tower output's columns of the towers' concatenated gradient
            int offset = 0;
            for (Operand<TFloat32> in : h.inputs()) {
                int width = (int) in.shape().get(1);
                if (width < 0) {
                    throw new IllegalStateException("a tower output of task " + task.name() + " has no static width");
                }
                out.put(in, h.inputs().size() == 1 ? d.get(c) : scope.slice(d.get(c),
                        scope.constant(new int[] {0, offset}), scope.constant(new int[] {-1, width})));
                offset += width;
            }
        }
        return out;
    }

    private static Operand<TFloat32> sum(Ops tf, List<Operand<TFloat32>> terms) {
        return terms.size() == 1 ? terms.get(0) : tf.math.addN(terms);
    }

    /** Whether the head ends in dense layers, whose gradients {@link #backward} builds. */
    boolean endsDense() {
        return !heads.get(0).dense().isEmpty();
    }

    /** Feeds the head's weights from {@code initial} into their variables. */
    void feedInitial(org.tensorflow.Session.Runner runner, org.recsys4j.model.Weights initial,
            List<org.tensorflow.Tensor> owned) {
        for (var e : initializers.entrySet()) {
            runner.feed(initValues.get(e.getKey()), RetrievalTaskGraph.own(owned, Tensors.of(initial.get(e.getKey()))))
                    .addTarget(e.getValue());
        }
    }

    /** The example-level rows of {@code towerOut}: {@code towerOut[of[i]]} for each example i. */
    static Operand<TFloat32> perExample(Ops tf, Operand<TFloat32> towerOut, Operand<TInt32> of) {
        return tf.gather(towerOut, of, tf.constant(0));
    }
}
