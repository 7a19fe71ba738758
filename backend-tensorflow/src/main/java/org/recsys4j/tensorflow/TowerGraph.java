package org.recsys4j.tensorflow;

import java.util.LinkedHashMap;
import java.util.Map;
import org.recsys4j.model.Features;
import org.recsys4j.model.FloatTensor;
import org.recsys4j.spec.Activation;
import org.recsys4j.spec.DenseLayerSpec;
import org.recsys4j.spec.FeatureSpec;
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

    /** Whether the tower is a plain embedding lookup: no features, dense layers, bias column or normalisation. */
    static boolean lookupOnly(TowerSpec t) {
        return t.features().isEmpty() && t.layers().isEmpty() && !t.normalize()
                && t.outputBias() == org.recsys4j.spec.OutputBias.NONE;
    }

    /** The tower's output for embedding rows, its context features at their OOV row. */
    Operand<TFloat32> forward(Ops tf, Operand<TInt32> rows) {
        return forward(tf, rows, Map.of());
    }

    /**
     * The tower's output for embedding rows: the id's embedding plus each feature's (derived ones
     * averaged from constant per-row tables, context ones from {@code context}, OOV when absent;
     * numeric ones, float vectors in {@code context}, times their one-row table, nothing when
     * absent), then the dense layers.
     */
    @SuppressWarnings("unchecked")
    Operand<TFloat32> forward(Ops tf, Operand<TInt32> rows, Map<String, ? extends Operand<?>> context) {
        Ops scope = tf.withSubScope(spec.name() + "_forward");
        Operand<TInt32> axis0 = scope.constant(0);
        Operand<TFloat32> x = scope.gather(variables.get(spec.embeddingName()), rows, axis0);
        for (FeatureSpec f : spec.features()) {
            Variable<TFloat32> table = variables.get(spec.featureEmbeddingName(f));
            if (f.numeric()) {
                // value * w: [n, 1] times the [1, dim] table; an absent value is 0 and adds nothing
                if (context.containsKey(f.name())) {
                    Operand<TFloat32> values = (Operand<TFloat32>) context.get(f.name());
                    x = scope.math.add(x, scope.math.mul(scope.expandDims(values, scope.constant(1)), table));
                }
            } else if (f.fromContext()) {
                Operand<TInt32> values = context.containsKey(f.name()) ? (Operand<TInt32>) context.get(f.name())
                        : scope.zerosLike(rows);
                x = scope.math.add(x, scope.gather(table, values, axis0));
            } else if (f.width() > 0) {
                DerivedTable t = DerivedTable.of(f);
                Operand<TInt32> ids = scope.gather(scope.constant(t.ids), rows, axis0);
                Operand<TFloat32> w = scope.gather(scope.constant(t.weights), rows, axis0);
                Operand<TFloat32> embedded = scope.gather(table, ids, axis0);
                x = scope.math.add(x, scope.reduceSum(scope.math.mul(embedded, scope.expandDims(w, scope.constant(2))),
                        scope.constant(1)));
            }
        }
        for (int i = 0; i < spec.layers().size(); i++) {
            DenseLayerSpec layer = spec.layers().get(i);
            x = scope.math.add(scope.linalg.matMul(x, variables.get(spec.kernelName(i))),
                    variables.get(spec.biasName(i)));
            x = activate(scope, x, layer.activation());
        }
        if (spec.normalize()) {
            // tf.math.l2_normalize(x, axis=1, epsilon=1e-12)
            Operand<TFloat32> squares = scope.reduceSum(scope.math.square(x), scope.constant(1),
                    org.tensorflow.op.core.ReduceSum.keepDims(true));
            x = scope.math.mul(x, scope.math.rsqrt(scope.math.maximum(squares,
                    scope.constant(TowerSpec.NORMALIZE_EPSILON))));
        }
        if (spec.outputBias() != org.recsys4j.spec.OutputBias.NONE) {
            // the last column: each row's learned score bias, or a constant 1 (a ones table gathered the same way)
            Operand<TFloat32> column = spec.outputBias() == org.recsys4j.spec.OutputBias.LEARNED
                    ? scope.gather(variables.get(spec.scoreBiasName()), rows, axis0)
                    : scope.gather(scope.fill(scope.constant(new int[] {spec.vocabularySize(), 1}), scope.constant(1f)),
                            rows, axis0);
            x = scope.concat(java.util.List.of(x, column), scope.constant(1));
        }
        return x;
    }

    /**
     * A placeholder per context feature of {@code spec}, named {@code <prefix><feature>}: rows
     * (int32) for a categorical one, values (float32) for a numeric one.
     */
    static Map<String, Placeholder<?>> contextPlaceholders(Ops tf, TowerSpec spec, String prefix) {
        Map<String, Placeholder<?>> out = new LinkedHashMap<>();
        for (FeatureSpec f : spec.contextFeatures()) {
            Ops named = tf.withName(prefix + f.name());
            out.put(f.name(), f.numeric()
                    ? named.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)))
                    : named.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1))));
        }
        return out;
    }

    /**
     * The tensor a context placeholder takes for {@code n} examples: a categorical feature's rows,
     * checked against its vocabulary, or a numeric one's values, each padded (or, when
     * {@code context} lacks the feature, filled) with row 0 or the value 0.
     *
     * @param given how many examples {@code context} holds ({@code n} or fewer)
     */
    static org.tensorflow.Tensor contextTensor(FeatureSpec f, Features context, int given, int n) {
        if (f.numeric()) {
            float[] values = org.recsys4j.model.TowerInputs.numericValues(f, context, given);
            return Tensors.vector(values.length == n ? values : java.util.Arrays.copyOf(values, n));
        }
        int[] rows = org.recsys4j.model.TowerInputs.contextValues(f, context, given);
        return Tensors.rows(rows.length == n ? rows : java.util.Arrays.copyOf(rows, n));
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
    void feedInitial(org.tensorflow.Session.Runner runner, Weights weights,
            java.util.List<org.tensorflow.Tensor> owned) {
        for (var e : initializers.entrySet()) {
            FloatTensor value = weights.get(e.getKey());
            TFloat32 t = Tensors.of(value);
            owned.add(t);
            runner.feed(initValues.get(e.getKey()), t).addTarget(e.getValue());
        }
    }

    /** A derived feature's values per id row, padded to its width: row ids and averaging weights (0 on padding). */
    private record DerivedTable(int[][] ids, float[][] weights) {
        static DerivedTable of(FeatureSpec f) {
            int rows = f.valuesByIdRow().length;
            int width = f.width();
            int[][] ids = new int[rows][width];
            float[][] weights = new float[rows][width];
            for (int r = 0; r < rows; r++) {
                int[] v = f.valuesByIdRow()[r];
                for (int l = 0; l < v.length; l++) {
                    ids[r][l] = v[l];
                    weights[r][l] = 1f / v.length;
                }
            }
            return new DerivedTable(ids, weights);
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
