package org.recsys4j.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.io.AtomicFiles;
import org.recsys4j.model.FloatTensor;
import org.recsys4j.onnx.GraphBuilder.Dim;
import org.recsys4j.onnx.proto.OnnxProto.ModelProto;
import org.recsys4j.onnx.proto.OnnxProto.TensorProto;
import org.recsys4j.spec.CrossLayerSpec;
import org.recsys4j.spec.DenseLayerSpec;
import org.recsys4j.spec.RankingLoss;
import org.recsys4j.spec.RankingTask;
import org.recsys4j.spec.TowerSpec;

/**
 * A ranking task as an ONNX model: raw feature values in, the prediction out. One string input per
 * feature its towers read (e.g. {@code user_id} and {@code movie_title}, each {@code [batch]}), each
 * tower as {@link TowerGraph} writes it (vocabulary, embedding, dense layers; context features as
 * optional inputs), the outputs concatenated, then the head: a cross layer as
 * {@code x0 * (x W + b) + x} (MatMul, Add, Mul, Add; a low-rank one with two MatMuls), a dense
 * layer as MatMul, Add and its activation. The output is named after the task ({@code rating}),
 * {@code [batch, 1]}: the rating, or under binary cross-entropy the probability ({@code Sigmoid}
 * of the logit). Same IR, opsets and metadata as {@link OnnxExport}'s models; the metadata's
 * {@code recsys4j.model} is {@code ranking}.
 */
public final class OnnxRankingExport {
    /** The file {@link #write} writes. */
    public static final String FILE = OnnxModelKind.RANKING.fileName();
    private static final String BATCH = "batch";

    private OnnxRankingExport() {
    }

    /** The ranking task {@code task} of {@code bundle}, serialized. */
    public static byte[] ranking(ModelBundle bundle, String task) {
        return rankingModel(bundle, task).toByteArray();
    }

    /** Writes {@code ranking.onnx} into {@code dir}, replacing an older one only once written whole. */
    public static Path write(ModelBundle bundle, String task, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        AtomicFiles.write(file, ranking(bundle, task));
        return file;
    }

    static ModelProto rankingModel(ModelBundle bundle, String taskName) {
        RankingTask task = bundle.model().rankingTasks().stream().filter(k -> k.name().equals(taskName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the bundle has no ranking task '" + taskName
                        + "'; its tasks are " + bundle.model().tasks().stream().map(t -> t.name()).toList()));
        Set<String> features = new LinkedHashSet<>();
        for (String input : task.inputs()) {
            features.add(bundle.model().tower(input).feature());
        }
        GraphBuilder g = new GraphBuilder("recsys4j_ranking", "Raw " + String.join(", ", features) + " values in;"
                + " the " + task.name() + " task's prediction out, [batch, 1]"
                + (task.loss() == RankingLoss.BINARY_CROSSENTROPY ? " (a probability)" : "")
                + ". Unknown values use the out-of-vocabulary row.");
        for (String f : features) {
            g.input(f, TensorProto.DataType.STRING, Dim.named(BATCH));
        }
        List<String> parts = new ArrayList<>();
        for (String input : task.inputs()) {
            TowerSpec tower = bundle.model().tower(input);
            parts.add(TowerGraph.add(g, tower, bundle.vocabularies(), bundle.weights(), tower.feature(),
                    tower.name() + "/output"));
        }
        String x0 = parts.size() == 1 ? parts.get(0) : g.node("Concat", task.name() + "/concat", parts,
                List.of(task.name() + "/input"), GraphBuilder.intAttr("axis", 1));
        String out = head(g, bundle, task, x0);
        g.output(out, TensorProto.DataType.FLOAT, Dim.named(BATCH), Dim.of(1));
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put(OnnxMetadata.FEATURE, String.join(",", features));
        extra.put("recsys4j.task", task.name());
        Map<String, String> metadata = OnnxMetadata.describe(bundle, OnnxModelKind.RANKING, extra);
        return OnnxExport.model(g.build(), true, metadata);
    }

    /** The head's nodes from {@code x0}; returns the output's name (the task's). */
    private static String head(GraphBuilder g, ModelBundle bundle, RankingTask task, String x0) {
        String x = x0;
        int last = task.layers().size() - 1;
        for (int l = 0; l <= last; l++) {
            String layer = task.layerName(l);
            String bias = floats(g, bundle, task.biasName(l));
            if (task.layers().get(l) instanceof CrossLayerSpec cross) {
                String xw;
                if (cross.lowRank()) {
                    String h = g.node("MatMul", layer + "/matmul_u", List.of(x, floats(g, bundle, task.kernelUName(l))),
                            List.of(layer + "/xu"));
                    xw = g.node("MatMul", layer + "/matmul_v", List.of(h, floats(g, bundle, task.kernelVName(l))),
                            List.of(layer + "/xw"));
                } else {
                    xw = g.node("MatMul", layer + "/matmul", List.of(x, floats(g, bundle, task.kernelName(l))),
                            List.of(layer + "/xw"));
                }
                String p = g.node("Add", layer + "/add_bias", List.of(xw, bias), List.of(layer + "/product"));
                String crossed = g.node("Mul", layer + "/cross", List.of(x0, p), List.of(layer + "/crossed"));
                x = g.node("Add", layer + "/residual", List.of(crossed, x), List.of(layer + "/output"));
                continue;
            }
            DenseLayerSpec dense = (DenseLayerSpec) task.layers().get(l);
            String xw = g.node("MatMul", layer + "/matmul", List.of(x, floats(g, bundle, task.kernelName(l))),
                    List.of(layer + "/xw"));
            boolean logits = l == last && task.loss() == RankingLoss.BINARY_CROSSENTROPY;
            String op = switch (dense.activation()) {
                case LINEAR -> null;
                case RELU -> "Relu";
                case TANH -> "Tanh";
                case SIGMOID -> "Sigmoid";
            };
            String sum = l == last && !logits ? task.name() : layer + "/preactivation";
            x = g.node("Add", layer + "/add_bias", List.of(xw, bias), List.of(sum));
            if (op != null) {
                x = g.node(op, layer + "/" + op.toLowerCase(java.util.Locale.ROOT), List.of(x),
                        List.of(layer + "/activation"));
            }
            if (logits) {
                // the head's last output is a logit; the model serves the probability
                x = g.node("Sigmoid", task.name() + "/probability", List.of(x), List.of(task.name()));
            }
        }
        return x;
    }

    private static String floats(GraphBuilder g, ModelBundle bundle, String weight) {
        FloatTensor t = bundle.weights().get(weight);
        long[] shape = new long[t.rank()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.dim(i);
        }
        return g.floats(weight, t.data(), shape);
    }
}
