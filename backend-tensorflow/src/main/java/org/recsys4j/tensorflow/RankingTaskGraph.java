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

    RankingTaskGraph(Ops tf, RankingTask task, int inputDim, List<Operand<TFloat32>> inputs) {
        this(tf, task, inputDim, inputs, true);
    }

    /** @param training with the label and weight placeholders and the loss; without, the head alone (serving) */
    RankingTaskGraph(Ops tf, RankingTask task, int inputDim, List<Operand<TFloat32>> inputs, boolean training) {
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
        boolean denseFirst = task.layers().get(0) instanceof DenseLayerSpec;
        List<Operand<TFloat32>> parts = new java.util.ArrayList<>(inputs);
        if (denseFirst) {
            // a column of ones after the towers' outputs: the first layer's bias becomes the last row of its
            // kernel, so its gradient is part of the kernel's product, not a pass of its own over the batch
            Operand<TInt32> rows = scope.gather(scope.shape(inputs.get(0)), scope.constant(0), scope.constant(0));
            parts.add(scope.fill(scope.stack(List.of(rows, scope.constant(1))), scope.constant(1f)));
        }
        Operand<TFloat32> x0 = parts.size() == 1 ? parts.get(0) : scope.concat(parts, scope.constant(1));
        outputs = scope.withName("outputs").reshape(head(scope, x0, denseFirst), scope.constant(new int[] {-1}));
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
     * The head from its input: cross layers on {@code x0}, then dense layers. With
     * {@code biasColumn}, {@code x0} ends in a column of ones and the first (dense) layer's kernel
     * is its kernel and bias stacked.
     */
    private Operand<TFloat32> head(Ops tf, Operand<TFloat32> x0, boolean biasColumn) {
        Operand<TFloat32> x = x0;
        for (int l = 0; l < task.layers().size(); l++) {
            if (task.layers().get(l) instanceof CrossLayerSpec cross) {
                Operand<TFloat32> p = cross.lowRank()
                        ? tf.linalg.matMul(tf.linalg.matMul(x, variables.get(task.kernelUName(l))),
                                variables.get(task.kernelVName(l)))
                        : tf.linalg.matMul(x, variables.get(task.kernelName(l)));
                p = tf.math.add(p, variables.get(task.biasName(l)));
                x = tf.math.add(tf.math.mul(x0, p), x);
            } else {
                DenseLayerSpec dense = (DenseLayerSpec) task.layers().get(l);
                // BiasAdd, as Keras's Dense: Grappler fuses MatMul, BiasAdd and ReLU into one
                // oneDNN kernel, and the bias's gradient is one BiasAddGrad
                if (l == 0 && biasColumn) {
                    Operand<TFloat32> bias = tf.expandDims(variables.get(task.biasName(l)), tf.constant(0));
                    x = tf.linalg.matMul(x, tf.concat(List.of(variables.get(task.kernelName(l)), bias),
                            tf.constant(0)));
                } else {
                    x = tf.nn.biasAdd(tf.linalg.matMul(x, variables.get(task.kernelName(l))),
                            variables.get(task.biasName(l)), new org.tensorflow.op.nn.BiasAdd.Options[0]);
                }
                x = switch (dense.activation()) {
                    case LINEAR -> x;
                    case RELU -> tf.nn.relu(x);
                    case TANH -> tf.math.tanh(x);
                    case SIGMOID -> tf.math.sigmoid(x);
                };
            }
        }
        return x;
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
