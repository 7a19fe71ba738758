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
 * tower's are), the head over the concatenated tower outputs, the loss against a label placeholder
 * with Keras's reduction, {@code sum_i w_i l_i / n}, and, for training, the gradients of the loss
 * and of the trailing dense layers by hand: each op TensorFlow's own gradients would add is a
 * hand-off between threads, and those were a third of the step's time beside the products.
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
    /** The gradient of {@code task.weight() * loss} with respect to {@link #outputs}, built by hand. */
    final Operand<TFloat32> outputsGradient;
    /** The first layer on the inputs' distinct rows, when the head is dense only and trains; else null. */
    private final DistinctRowsDense first;

    /** The towers' outputs the head reads. */
    private final List<Input> inputs;

    /**
     * An input of the head: the rows of {@code source} gathered per example by {@code index}, or
     * {@code source} itself, one row per example, when {@code index} is null; for training on
     * distinct rows also the examples ordered by their row ({@code byRow}) and those rows
     * ({@code sortedIndex}, ascending), which {@link DistinctRowsDense} sums onto the rows in one
     * sorted pass.
     */
    record Input(Operand<TFloat32> source, Operand<TInt32> index, Operand<TInt32> byRow,
            Operand<TInt32> sortedIndex) {
        /** A source with one row per example. */
        Input(Operand<TFloat32> perExample) {
            this(perExample, null, null, null);
        }

        Operand<TFloat32> perExample(Ops tf) {
            return index == null ? source : tf.gather(source, index, tf.constant(0));
        }

        int width() {
            long width = source.shape().get(1);
            if (width < 0) {
                throw new IllegalStateException("a ranking head's input " + source + " has no static width");
            }
            return (int) width;
        }
    }

    /** A dense layer of the head: its index, spec, input and (activated) output. */
    private record DenseStep(int layer, DenseLayerSpec spec, Operand<TFloat32> in, Operand<TFloat32> out) {
    }

    /**
     * Whether a training graph runs the head's first layer on its inputs' distinct rows
     * ({@link DistinctRowsDense}): when the head is dense layers only, so that every input has an index.
     */
    static boolean onDistinctRows(RankingTask task) {
        return !task.layers().isEmpty() && task.layers().stream().allMatch(l -> l instanceof DenseLayerSpec);
    }

    /**
     * @param training with the label and weight placeholders, the loss and its gradient; without, the
     *     head alone (serving)
     */
    RankingTaskGraph(Ops tf, RankingTask task, int inputDim, List<Input> inputs, boolean training) {
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
        if (training && onDistinctRows(task)) {
            if (inputs.stream().anyMatch(i -> i.byRow() == null)) {
                throw new IllegalStateException("task " + task.name() + ": a dense head trains on indexed inputs");
            }
            DenseLayerSpec layer = (DenseLayerSpec) task.layers().get(0);
            first = new DistinctRowsDense(scope, inputs, variables.get(task.kernelName(0)),
                    variables.get(task.biasName(0)), layer.units());
        } else {
            first = null;
        }
        outputs = scope.withName("outputs").reshape(head(scope), scope.constant(new int[] {-1}));
        if (!training) {
            labels = null;
            weights = null;
            loss = null;
            outputsGradient = null;
            return;
        }
        labels = scope.withName("labels").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
        weights = scope.withName("example_weights").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
        Operand<TFloat32> perExample;
        // each example's loss's derivative by its output, times 1/w_task: 2 (z - y), or sigmoid(z) - y
        Operand<TFloat32> slope;
        float factor;
        if (task.loss() == RankingLoss.MEAN_SQUARED_ERROR) {
            Operand<TFloat32> diff = scope.math.sub(outputs, labels);
            perExample = scope.math.square(diff);
            slope = diff;
            factor = 2;
        } else {
            // max(z, 0) - z y + log(1 + exp(-|z|)), tf.nn.sigmoid_cross_entropy_with_logits's stable form
            perExample = scope.math.add(scope.math.sub(scope.nn.relu(outputs), scope.math.mul(outputs, labels)),
                    scope.math.log1p(scope.math.exp(scope.math.neg(scope.math.abs(outputs)))));
            slope = scope.math.sub(scope.math.sigmoid(outputs), labels);
            factor = 1;
        }
        Operand<TFloat32> n = scope.dtypes.cast(scope.size(labels), TFloat32.class);
        loss = scope.withName("loss").math.div(
                scope.reduceSum(scope.math.mul(perExample, weights), scope.constant(0)), n);
        // TensorFlow's gradient of this reduction is some thirty small ops
        outputsGradient = scope.math.mul(scope.math.mul(slope, weights),
                scope.math.div(scope.constant((float) (factor * task.weight())), n));
    }

    /**
     * The head from its inputs: cross layers on their concatenation {@code x0}, then dense layers,
     * each a MatMul, a BiasAdd and its activation, as Keras's Dense (the first on distinct rows when
     * {@link #first} is set). The dense layers after the last cross layer are kept in {@link #dense}
     * for {@link #backward}.
     */
    private Operand<TFloat32> head(Ops tf) {
        Operand<TFloat32> x0 = first != null ? null : inputs.size() == 1 ? inputs.get(0).perExample(tf)
                : tf.concat(inputs.stream().map(i -> i.perExample(tf)).toList(), tf.constant(1));
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
                x = l == 0 && first != null ? first.preActivation
                        : tf.nn.biasAdd(tf.linalg.matMul(x, variables.get(task.kernelName(l))),
                                variables.get(task.biasName(l)), new org.tensorflow.op.nn.BiasAdd.Options[0]);
                x = switch (spec.activation()) {
                    case LINEAR -> x;
                    case RELU -> tf.nn.relu(x);
                    case TANH -> tf.math.tanh(x);
                    case SIGMOID -> tf.math.sigmoid(x);
                };
                dense.add(new DenseStep(l, spec, in, x));
            }
        }
        return x;
    }

    /**
     * The gradients of the trailing dense layers by hand, from {@link #outputsGradient}: the ops
     * TensorFlow's own gradients would add, except that an activation's gradient reads the layer's
     * output (as Keras's does), never its pre-activation, so that Grappler fuses each MatMul, BiasAdd
     * and ReLU into one kernel; and the first layer's on distinct rows ({@link DistinctRowsDense}).
     *
     * @param grads receives each dense kernel's and bias's gradient by weight name
     * @return what the rest of the model's gradient starts from: tensors the dense layers read (the
     *     last cross layer's output, or the inputs' sources) and the loss's gradient with respect to each
     */
    Map<Operand<TFloat32>, Operand<TFloat32>> backward(Ops tf, Map<String, Operand<TFloat32>> grads) {
        Ops scope = tf.withSubScope(task.name() + "_backward");
        Operand<TFloat32> d = scope.reshape(outputsGradient, scope.constant(new int[] {-1, 1}));
        for (int i = dense.size() - 1; i >= 0; i--) {
            DenseStep s = dense.get(i);
            Operand<TFloat32> dz = switch (s.spec().activation()) {
                case LINEAR -> d;
                case RELU -> scope.nn.reluGrad(d, s.out());
                case TANH -> scope.math.tanhGrad(s.out(), d);
                case SIGMOID -> scope.math.sigmoidGrad(s.out(), d);
            };
            if (s.layer() == 0 && first != null) {
                return first.backward(scope, dz, task.kernelName(0), task.biasName(0), grads);
            }
            Variable<TFloat32> kernel = variables.get(task.kernelName(s.layer()));
            grads.put(task.biasName(s.layer()), scope.nn.biasAddGrad(dz,
                    new org.tensorflow.op.nn.BiasAddGrad.Options[0]));
            grads.put(task.kernelName(s.layer()), scope.linalg.matMul(s.in(), dz, MatMul.transposeA(true)));
            d = scope.linalg.matMul(dz, kernel, MatMul.transposeB(true));
        }
        return Map.of(dense.get(0).in(), d);
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
}
