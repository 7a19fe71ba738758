package org.recsys4j.tensorflow;

import java.util.LinkedHashMap;
import java.util.Map;
import org.recsys4j.model.FloatTensor;
import org.recsys4j.spec.Activation;
import org.recsys4j.spec.DenseLayerSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.model.Weights;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A tower compiled into a TensorFlow graph: its variables (set from given values through
 * placeholders, so the values never bloat the GraphDef) and its forward pass from embedding rows.
 */
final class TowerGraph {
    final TowerSpec spec;
    /** Variables by weight name, in the spec's order. */
    final Map<String, Variable<TFloat32>> variables = new LinkedHashMap<>();
    /** Placeholders that feed the variables' values, by weight name. */
    final Map<String, Placeholder<TFloat32>> initValues = new LinkedHashMap<>();
    final Map<String, Assign<TFloat32>> initializers = new LinkedHashMap<>();

    TowerGraph(Ops tf, TowerSpec spec) {
        this.spec = spec;
        Ops scope = tf.withSubScope(spec.name());
        for (var e : spec.weightShapes().entrySet()) {
            String local = e.getKey().substring(spec.name().length() + 1).replace('/', '_');
            Shape shape = shape(e.getValue());
            Variable<TFloat32> v = scope.withName(local).variable(shape, TFloat32.class);
            Placeholder<TFloat32> value = scope.withName(local + "_value")
                    .placeholder(TFloat32.class, Placeholder.shape(shape));
            variables.put(e.getKey(), v);
            initValues.put(e.getKey(), value);
            initializers.put(e.getKey(), scope.withName(local + "_assign").assign(v, value));
        }
    }

    /** The tower's output for embedding rows. */
    Operand<TFloat32> forward(Ops tf, Operand<TInt32> rows) {
        Ops scope = tf.withSubScope(spec.name() + "_forward");
        Operand<TFloat32> x = scope.gather(variables.get(spec.embeddingName()), rows, scope.constant(0));
        for (int i = 0; i < spec.layers().size(); i++) {
            DenseLayerSpec layer = spec.layers().get(i);
            x = scope.math.add(scope.linalg.matMul(x, variables.get(spec.kernelName(i))),
                    variables.get(spec.biasName(i)));
            x = activate(scope, x, layer.activation());
        }
        return x;
    }

    private static Operand<TFloat32> activate(Ops tf, Operand<TFloat32> x, Activation a) {
        return switch (a) {
            case LINEAR -> x;
            case RELU -> tf.nn.relu(x);
            case TANH -> tf.math.tanh(x);
            case SIGMOID -> tf.math.sigmoid(x);
        };
    }

    /** Feeds {@code weights} into the assign ops of this tower. */
    void feedInitial(org.tensorflow.Session.Runner runner, Weights weights, java.util.List<org.tensorflow.Tensor> owned) {
        for (var e : initializers.entrySet()) {
            FloatTensor value = weights.get(e.getKey());
            TFloat32 t = Tensors.of(value);
            owned.add(t);
            runner.feed(initValues.get(e.getKey()), t).addTarget(e.getValue());
        }
    }

    static Shape shape(int[] dims) {
        long[] l = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            l[i] = dims[i];
        }
        return Shape.of(l);
    }
}
