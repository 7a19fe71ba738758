package org.recsys4j.tensorflow;

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
    /** The dense layers after the last cross layer: their gradients are built by hand ({@link #backward}). */
    private final List<DenseStep> dense = new java.util.ArrayList<>();

    /** The towers' outputs the head reads, each {@code [n, width]}. */
    private final List<Operand<TFloat32>> inputs;

    /**
     * A dense layer of the head: its index, spec, input and (activated) output; with
     * {@code onesColumn}, its input ends in a column of ones and its kernel in a row of zeros.
     */
    private record DenseStep(int layer, DenseLayerSpec spec, Operand<TFloat32> in, Operand<TFloat32> out,
            boolean onesColumn) {
    }

    RankingTaskGraph(Ops tf, RankingTask task, int inputDim, List<Operand<TFloat32>> inputs) {
        this(tf, task, inputDim, inputs, true);
    }

    /** @param training with the label and weight placeholders and the loss; without, the head alone (serving) */
    RankingTaskGraph(Ops tf, RankingTask task, int inputDim, List<Operand<TFloat32>> inputs, boolean training) {
        this.task = task;
        this.inputs = List.copyOf(inputs);
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
        List<Operand<TFloat32>> parts = new java.util.ArrayList<>(inputs);
        if (allDense) {
            // a column of ones after the towers' outputs, so that the first layer's kernel gradient (X^T dZ)
            // carries its bias's gradient in its last row instead of a pass of its own over the batch
            Operand<TInt32> rows = scope.gather(scope.shape(inputs.get(0)), scope.constant(0), scope.constant(0));
            parts.add(scope.fill(scope.stack(List.of(rows, scope.constant(1))), scope.constant(1f)));
        }
        Operand<TFloat32> x0 = parts.size() == 1 ? parts.get(0) : scope.concat(parts, scope.constant(1));
        outputs = scope.withName("outputs").reshape(head(scope, x0, allDense), scope.constant(new int[] {-1}));
        if (!training) {
            labels = null;
            weights = null;
            loss = null;
            return;
        }
        labels = scope.withName("labels").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
        weights = scope.withName("example_weights").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
        Operand<TFloat32> perExample = task.loss() == RankingLoss.MEAN_SQUARED_ERROR
                ? scope.math.square(scope.math.sub(outputs, labels))
                // max(z, 0) - z y + log(1 + exp(-|z|)), tf.nn.sigmoid_cross_entropy_with_logits's stable form
                : scope.math.add(scope.math.sub(scope.nn.relu(outputs), scope.math.mul(outputs, labels)),
                        scope.math.log1p(scope.math.exp(scope.math.neg(scope.math.abs(outputs)))));
        Operand<TFloat32> n = scope.dtypes.cast(scope.size(labels), TFloat32.class);
        loss = scope.withName("loss").math.div(
                scope.reduceSum(scope.math.mul(perExample, weights), scope.constant(0)), n);
    }

    /**
     * The head from its input: cross layers on {@code x0}, then dense layers, each a MatMul, a
     * BiasAdd and its activation, as Keras's Dense. The dense layers after the last cross layer are
     * kept in {@link #dense} for {@link #backward}.
     */
    private Operand<TFloat32> head(Ops tf, Operand<TFloat32> x0, boolean onesColumn) {
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
                    kernel = tf.concat(List.of(kernel, tf.zeros(tf.constant(new int[] {1, spec.units()}),
                            TFloat32.class)), tf.constant(0));
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
     * The gradients of the trailing dense layers by hand, from {@code dOutputs} (the trained
     * loss's gradient with respect to {@link #outputs}): the ops TensorFlow's own gradients would
     * add, except that an activation's gradient reads the layer's output (as Keras's does), never
     * its pre-activation, so that Grappler fuses each MatMul, BiasAdd and ReLU into one kernel.
     *
     * @param grads receives each dense kernel's and bias's gradient by weight name
     * @return what the rest of the model's gradient starts from: tensors the dense layers read (the
     *     last cross layer's output, or each tower's output) and the loss's gradient with respect to each
     */
    Map<Operand<TFloat32>, Operand<TFloat32>> backward(Ops tf, Operand<TFloat32> dOutputs,
            Map<String, Operand<TFloat32>> grads) {
        Ops scope = tf.withSubScope(task.name() + "_backward");
        Operand<TFloat32> d = scope.reshape(dOutputs, scope.constant(new int[] {-1, 1}));
        for (int i = dense.size() - 1; i >= 0; i--) {
            DenseStep s = dense.get(i);
            Operand<TFloat32> dz = switch (s.spec().activation()) {
                case LINEAR -> d;
                case RELU -> scope.nn.reluGrad(d, s.out());
                case TANH -> scope.math.tanhGrad(s.out(), d);
                case SIGMOID -> scope.math.sigmoidGrad(s.out(), d);
            };
            Variable<TFloat32> kernel = variables.get(task.kernelName(s.layer()));
            Operand<TFloat32> dKernel = scope.linalg.matMul(s.in(), dz, MatMul.transposeA(true));
            if (s.onesColumn()) {
                // the last row is the ones column's: the bias's gradient
                int k = (int) kernel.shape().get(0);
                int units = s.spec().units();
                grads.put(task.biasName(s.layer()), scope.reshape(scope.slice(dKernel, scope.constant(new int[] {k, 0}),
                        scope.constant(new int[] {1, units})), scope.constant(new int[] {units})));
                dKernel = scope.slice(dKernel, scope.constant(new int[] {0, 0}), scope.constant(new int[] {k, units}));
            } else {
                grads.put(task.biasName(s.layer()), scope.nn.biasAddGrad(dz,
                        new org.tensorflow.op.nn.BiasAddGrad.Options[0]));
            }
            grads.put(task.kernelName(s.layer()), dKernel);
            d = scope.linalg.matMul(dz, kernel, MatMul.transposeB(true));
        }
        Map<Operand<TFloat32>, Operand<TFloat32>> out = new java.util.LinkedHashMap<>();
        if (!dense.get(0).onesColumn()) {
            out.put(dense.get(0).in(), d);
            return out;
        }
        // each tower output's columns of the towers' concatenated gradient
        int offset = 0;
        for (Operand<TFloat32> in : inputs) {
            int width = (int) in.shape().get(1);
            if (width < 0) {
                throw new IllegalStateException("a tower output of task " + task.name() + " has no static width");
            }
            out.put(in, inputs.size() == 1 ? d : scope.slice(d, scope.constant(new int[] {0, offset}),
                    scope.constant(new int[] {-1, width})));
            offset += width;
        }
        return out;
    }

    /** Whether the head ends in dense layers, whose gradients {@link #backward} builds. */
    boolean endsDense() {
        return !dense.isEmpty();
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
