package org.recsys4j.onnx;

import static org.recsys4j.onnx.GraphBuilder.intAttr;
import static org.recsys4j.onnx.GraphBuilder.intsAttr;
import static org.recsys4j.onnx.GraphBuilder.stringsAttr;

import java.util.List;
import org.recsys4j.model.FloatTensor;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.DenseLayerSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.vocab.StringLookup;

/**
 * A tower as ONNX nodes, from raw string ids to embeddings: {@code ai.onnx.ml} LabelEncoder (the
 * vocabulary; unknown ids get row 0, the OOV row, as {@link StringLookup} gives them), Gather from
 * the embedding table, then each dense layer as MatMul, Add and its activation. Initializers keep
 * the bundle's weight names ({@code query/embedding}, {@code query/dense_0/kernel}, ...), so a
 * reader of the ONNX file finds the same tensors as in {@code weights.safetensors}.
 */
final class TowerGraph {
    static final String ML_DOMAIN = "ai.onnx.ml";

    private TowerGraph() {
    }

    /**
     * Adds the tower reading the string tensor {@code input} and returns {@code output}, the name of
     * its float embeddings {@code [batch, outputDim]}.
     */
    static String add(GraphBuilder g, TowerSpec spec, StringLookup vocabulary, Weights weights, String input,
            String output) {
        String p = spec.name();
        List<String> tokens = vocabulary.vocabulary();
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("tower '" + p + "': the '" + spec.feature()
                    + "' vocabulary is empty, so there is nothing to look up in ONNX");
        }
        long[] rows = new long[tokens.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = vocabulary.index(tokens.get(i));
        }
        String rowIds = g.node(ML_DOMAIN, "LabelEncoder", p + "/lookup", List.of(input), List.of(p + "/rows"),
                stringsAttr("keys_strings", tokens), intsAttr("values_int64s", rows),
                intAttr("default_int64", StringLookup.OOV_INDEX));

        List<DenseLayerSpec> layers = spec.layers();
        String table = spec.features().isEmpty() ? floats(g, spec.embeddingName(), weights.get(spec.embeddingName()))
                : foldedFeatures(g, spec, weights);
        String x = g.node("Gather", p + "/embedding_lookup", List.of(table, rowIds),
                List.of(layers.isEmpty() ? output : p + "/embedded"), intAttr("axis", 0));
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
        return output;
    }

    /**
     * With features besides the id, the input layer's value for every id row (derived features
     * follow from the row; context features, which this model does not take, read their OOV row)
     * as one table, {@code <tower>/embedding_with_features}: the same embeddings from one Gather.
     */
    private static String foldedFeatures(GraphBuilder g, TowerSpec spec, Weights weights) {
        java.util.Map<String, float[]> tables = new java.util.HashMap<>();
        tables.put(spec.embeddingName(), weights.get(spec.embeddingName()).data());
        for (var f : spec.features()) {
            tables.put(spec.featureEmbeddingName(f), weights.get(spec.featureEmbeddingName(f)).data());
        }
        int[] all = java.util.stream.IntStream.range(0, spec.vocabularySize()).toArray();
        float[] folded = org.recsys4j.model.TowerInputs.sum(spec, tables, all, java.util.Map.of());
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
