package org.recsys4j.onnx;

import static org.recsys4j.onnx.GraphBuilder.intAttr;
import static org.recsys4j.onnx.GraphBuilder.intsAttr;
import static org.recsys4j.onnx.GraphBuilder.stringsAttr;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.model.FloatTensor;
import org.recsys4j.model.TowerInputs;
import org.recsys4j.model.Weights;
import org.recsys4j.onnx.GraphBuilder.Dim;
import org.recsys4j.spec.DenseLayerSpec;
import org.recsys4j.spec.FeatureSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.vocab.StringLookup;

/**
 * A tower as ONNX nodes, from raw string ids to embeddings: {@code ai.onnx.ml} LabelEncoder (the
 * vocabulary; unknown ids get row 0, the OOV row, as {@link StringLookup} gives them), Gather from
 * the embedding table, then each dense layer as MatMul, Add and its activation. Initializers keep
 * the bundle's weight names ({@code query/embedding}, {@code query/dense_0/kernel}, ...), so a
 * reader of the ONNX file finds the same tensors as in {@code weights.safetensors}.
 *
 * <p>Features besides the id: those derived from the id are folded into one table with it,
 * {@code <tower>/embedding_with_features} (row r: the id's embedding plus its derived features'),
 * so one Gather still gives them. Each context feature (one value per example, such as a
 * timestamp bucket) becomes a string input named after the feature, one value per query, with
 * its own LabelEncoder (its vocabulary from the bundle; unknown values get row 0), a Gather from
 * {@code <tower>/<feature>/embedding}, and an Add into the input layer. The input has a default,
 * an initializer of the same name holding one empty string (shape {@code [1]}, which broadcasts
 * to the batch and looks up the OOV row), so callers that give only ids get what
 * {@code JavaTower} gives without context. Its one dimension is declared unnamed, not
 * {@code batch}: ONNX Runtime takes equal dimension names as a promise of equal sizes and reuses
 * buffers on it, which the {@code [1]} default would break ({@code [1]}, one value for every
 * query, may also be fed). A numeric feature is a float input the same way (default one 0, the
 * mean of the normalised values), reshaped to a column and multiplied by its {@code [1, dim]}
 * table.
 */
final class TowerGraph {
    static final String ML_DOMAIN = "ai.onnx.ml";

    private TowerGraph() {
    }

    /**
     * Adds the tower reading the string tensor {@code input} (declared by the caller) and its
     * context inputs (declared here, after it), and returns {@code output}, the name of its float
     * embeddings {@code [batch, outputDim]}.
     *
     * @param vocabularies the bundle's vocabularies by feature: the id's and each context feature's
     */
    static String add(GraphBuilder g, TowerSpec spec, Map<String, StringLookup> vocabularies, Weights weights,
            String input, String output) {
        String p = spec.name();
        // with a bias column, the dense output is concatenated with it into the output at the end
        String towerOutput = output;
        if (spec.outputBias() != org.recsys4j.spec.OutputBias.NONE) {
            output = p + "/without_score_bias";
        }
        // with normalisation, the dense output is scaled to unit rows into what was the output
        String unitRows = output;
        if (spec.normalize()) {
            output = p + "/unnormalized";
        }
        String rowIds = lookup(g, p + "/lookup", p + "/rows", input, vocabulary(spec, spec.feature(),
                spec.vocabularySize(), vocabularies));

        List<DenseLayerSpec> layers = spec.layers();
        List<FeatureSpec> context = spec.contextFeatures();
        boolean derived = spec.features().size() > context.size();
        String table = derived ? foldedFeatures(g, spec, weights)
                : floats(g, spec.embeddingName(), weights.get(spec.embeddingName()));
        String inputLayer = layers.isEmpty() ? output : p + "/embedded";
        String x = g.node("Gather", p + "/embedding_lookup", List.of(table, rowIds),
                List.of(context.isEmpty() ? inputLayer : p + "/id_embedded"), intAttr("axis", 0));
        for (int c = 0; c < context.size(); c++) {
            FeatureSpec f = context.get(c);
            String fp = p + "/" + f.name();
            boolean last = c == context.size() - 1;
            if (f.numeric()) {
                // value * w: the values as a column [n, 1] times the [1, dim] table
                g.optionalFloatInput(f.name(), "One " + f.name() + " value per query ([batch]), or one for"
                        + " every query ([1]), already normalised, read by the " + p + " tower. Optional: without"
                        + " it every query reads 0, the mean.", new float[] {0f}, new long[] {1}, Dim.unknown());
                String shape = g.int64s(fp + "/column_shape", new long[] {-1, 1}, 2);
                String column = g.node("Reshape", fp + "/column", List.of(f.name(), shape), List.of(fp + "/values"));
                String ft = floats(g, spec.featureEmbeddingName(f), weights.get(spec.featureEmbeddingName(f)));
                String embedded = g.node("Mul", fp + "/scale", List.of(column, ft), List.of(fp + "/embedded"));
                x = g.node("Add", fp + "/add", List.of(x, embedded), List.of(last ? inputLayer : fp + "/sum"));
                continue;
            }
            StringLookup vocabulary = vocabulary(spec, f.name(), f.vocabularySize(), vocabularies);
            g.optionalStringInput(f.name(), "One " + f.name() + " value per query ([batch]), or one for"
                    + " every query ([1]), read by the " + p + " tower. Optional: without it every query reads the"
                    + " out-of-vocabulary row, as do unknown values.",
                    List.of(absentValue(vocabulary)), new long[] {1}, Dim.unknown());
            String rows = lookup(g, fp + "/lookup", fp + "/rows", f.name(), vocabulary);
            String ft = floats(g, spec.featureEmbeddingName(f), weights.get(spec.featureEmbeddingName(f)));
            String embedded = g.node("Gather", fp + "/embedding_lookup", List.of(ft, rows), List.of(fp + "/embedded"),
                    intAttr("axis", 0));
            x = g.node("Add", fp + "/add", List.of(x, embedded), List.of(last ? inputLayer : fp + "/sum"));
        }
        for (int i = 0; i < layers.size(); i++) {
            boolean last = i == layers.size() - 1;
            String layer = p + "/dense_" + i;
            String kernel = floats(g, spec.kernelName(i), weights.get(spec.kernelName(i)));
            String bias = floats(g, spec.biasName(i), weights.get(spec.biasName(i)));
            String xw = g.node("MatMul", layer + "/matmul", List.of(x, kernel), List.of(layer + "/xw"));
            String op = switch (layers.get(i).activation()) {
                case LINEAR -> null;
                case RELU -> "Relu";
                case TANH -> "Tanh";
                case SIGMOID -> "Sigmoid";
            };
            String sum = op == null && last ? output : layer + "/preactivation";
            x = g.node("Add", layer + "/add_bias", List.of(xw, bias), List.of(sum));
            if (op != null) {
                x = g.node(op, layer + "/" + op.toLowerCase(java.util.Locale.ROOT), List.of(x),
                        List.of(last ? output : layer + "/activation"));
            }
        }
        if (spec.normalize()) {
            // tf.math.l2_normalize(x, axis=1, epsilon=1e-12): x / sqrt(max(sum x^2, 1e-12))
            String squares = g.node("ReduceSumSquare", p + "/norm_squares", List.of(output), List.of(p + "/squares"),
                    intsAttr("axes", new long[] {1}), intAttr("keepdims", 1));
            String epsilon = g.floats(p + "/norm_epsilon", new float[] {TowerSpec.NORMALIZE_EPSILON}, new long[] {1});
            String floored = g.node(
                    "Max", p + "/norm_floor", List.of(squares, epsilon), List.of(p + "/squares_floored"));
            String norm = g.node("Sqrt", p + "/norm", List.of(floored), List.of(p + "/norms"));
            g.node("Div", p + "/normalize", List.of(output, norm), List.of(unitRows));
            output = unitRows;
        }
        if (spec.outputBias() != org.recsys4j.spec.OutputBias.NONE) {
            // each row's learned bias, or 1 (a table of ones gathered the same way)
            String biasTable;
            if (spec.outputBias() == org.recsys4j.spec.OutputBias.LEARNED) {
                biasTable = floats(g, spec.scoreBiasName(), weights.get(spec.scoreBiasName()));
            } else {
                float[] ones = new float[spec.vocabularySize()];
                java.util.Arrays.fill(ones, 1f);
                biasTable = g.floats(p + "/ones", ones, new long[] {spec.vocabularySize(), 1});
            }
            String column = g.node("Gather", p + "/score_bias_lookup", List.of(biasTable, rowIds),
                    List.of(p + "/score_bias_column"), intAttr("axis", 0));
            g.node("Concat", p + "/append_score_bias", List.of(output, column), List.of(towerOutput),
                    intAttr("axis", 1));
        }
        return towerOutput;
    }

    /** A string the vocabulary lacks, so the LabelEncoder sends it to the OOV row: "" unless that is a token. */
    static String absentValue(StringLookup vocabulary) {
        String key = "";
        if (vocabulary.contains(key)) {
            key = StringLookup.OOV_TOKEN;
            while (vocabulary.contains(key)) {
                key = key + "#";
            }
        }
        return key;
    }

    private static StringLookup vocabulary(TowerSpec spec, String feature, int rows,
            Map<String, StringLookup> vocabularies) {
        StringLookup v = vocabularies.get(feature);
        if (v == null) {
            throw new IllegalArgumentException("tower '" + spec.name() + "' reads '" + feature + "' but the bundle"
                    + " has no vocabulary for it (it has " + new java.util.TreeSet<>(vocabularies.keySet()) + ")");
        }
        if (v.vocabulary().isEmpty()) {
            throw new IllegalArgumentException("tower '" + spec.name() + "': the '" + feature
                    + "' vocabulary is empty, so there is nothing to look up in ONNX");
        }
        if (v.size() != rows) {
            throw new IllegalArgumentException("tower '" + spec.name() + "': '" + feature + "' has " + rows
                    + " embedding rows but its vocabulary needs " + v.size());
        }
        return v;
    }

    /** A LabelEncoder from raw strings to rows of {@code vocabulary}; unknown strings get the OOV row. */
    private static String lookup(GraphBuilder g, String name, String output, String input, StringLookup vocabulary) {
        List<String> tokens = vocabulary.vocabulary();
        long[] rows = new long[tokens.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = vocabulary.index(tokens.get(i));
        }
        return g.node(ML_DOMAIN, "LabelEncoder", name, List.of(input), List.of(output),
                stringsAttr("keys_strings", tokens), intsAttr("values_int64s", rows),
                intAttr("default_int64", StringLookup.OOV_INDEX));
    }

    /**
     * With features derived from the id, the id's embedding plus theirs for every id row, as one
     * table, {@code <tower>/embedding_with_features}: the same sum from one Gather. Context
     * features are not in it; they are inputs of their own.
     */
    private static String foldedFeatures(GraphBuilder g, TowerSpec spec, Weights weights) {
        List<FeatureSpec> derived = spec.features().stream().filter(f -> !f.fromContext()).toList();
        TowerSpec idAndDerived = new TowerSpec(spec.name(), spec.feature(), spec.vocabularySize(),
                spec.embeddingDim(), spec.layers(), derived);
        Map<String, float[]> tables = new HashMap<>();
        tables.put(spec.embeddingName(), weights.get(spec.embeddingName()).data());
        for (var f : derived) {
            tables.put(spec.featureEmbeddingName(f), weights.get(spec.featureEmbeddingName(f)).data());
        }
        int[] all = java.util.stream.IntStream.range(0, spec.vocabularySize()).toArray();
        float[] folded = TowerInputs.sum(idAndDerived, tables, all, org.recsys4j.model.Features.none());
        return g.floats(spec.name() + "/embedding_with_features", folded,
                new long[] {spec.vocabularySize(), spec.embeddingDim()});
    }

    private static String floats(GraphBuilder g, String name, FloatTensor t) {
        long[] shape = new long[t.rank()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.dim(i);
        }
        return g.floats(name, t.data(), shape);
    }
}
