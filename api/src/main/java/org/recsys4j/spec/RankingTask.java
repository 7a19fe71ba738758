package org.recsys4j.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code Ranking} task in a model: a head over its input towers' outputs, concatenated in
 * order, that ends in one number per example, trained against a label column. TFRS's rating model
 * ({@code Dense(256, relu), Dense(64, relu), Dense(1)} over the user and movie embeddings) and the
 * DCN tutorial's cross network are such heads.
 *
 * <p>Weights: {@code <name>/dense_<i>/kernel} and {@code /bias} for a dense layer at position i;
 * {@code <name>/cross_<i>/kernel} (full rank) or {@code /kernel_u} and {@code /kernel_v} (low rank),
 * and {@code /bias}, for a cross layer.
 *
 * @param inputs names of the towers whose outputs are concatenated into the head's input
 * @param layers the head, in order; the last is {@code Dense(1)} with no activation
 * @param label the numeric column the head is trained to predict (e.g. {@code user_rating})
 */
public record RankingTask(String name, List<String> inputs, List<HeadLayerSpec> layers, RankingLoss loss,
        String label, double weight) implements TaskSpec {
    public RankingTask {
        TaskSpec.checkName("ranking", name);
        TaskSpec.checkWeight(name, weight);
        Objects.requireNonNull(loss, "loss");
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        layers = layers == null ? List.of() : List.copyOf(layers);
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("ranking task '" + name + "' has no inputs: its head"
                    + (layers.stream().anyMatch(CrossLayerSpec.class::isInstance)
                    ? " (a cross layer among its layers)" : "")
                    + " needs at least one tower's output to read");
        }
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("ranking task '" + name + "' needs a label column");
        }
        boolean dense = false;
        for (HeadLayerSpec layer : layers) {
            if (layer instanceof CrossLayerSpec && dense) {
                // a cross layer multiplies by the head's input, so it must see the input's width
                throw new IllegalArgumentException("ranking task '" + name + "': cross layers come before the dense"
                        + " layers (a cross network, then a deep one, as DCN stacks them)");
            }
            dense |= layer instanceof DenseLayerSpec;
        }
        if (layers.isEmpty() || !(layers.get(layers.size() - 1) instanceof DenseLayerSpec last)
                || last.units() != 1 || last.activation() != Activation.LINEAR) {
            throw new IllegalArgumentException("ranking task '" + name
                    + "': the head's last layer must be Dense(1) with"
                    + " no activation (one output per example), got " + (layers.isEmpty() ? "no layers"
                    : layers.get(layers.size() - 1)));
        }
    }

    /** A head of dense layers (ReLU between, then Dense(1)): the TFRS ranking tutorials' rating model. */
    public static RankingTask rating(String name, List<String> inputs, String label, double weight, int... hidden) {
        List<HeadLayerSpec> layers = new java.util.ArrayList<>();
        for (int units : hidden) {
            layers.add(new DenseLayerSpec(units, Activation.RELU));
        }
        layers.add(new DenseLayerSpec(1, Activation.LINEAR));
        return new RankingTask(name, inputs, layers, RankingLoss.MEAN_SQUARED_ERROR, label, weight);
    }

    /** The same task with loss weight {@code w}. */
    public RankingTask withWeight(double w) {
        return new RankingTask(name, inputs, layers, loss, label, w);
    }

    /** The weights' name prefix of layer {@code i}: {@code <name>/dense_<i>} or {@code <name>/cross_<i>}. */
    public String layerName(int i) {
        return name + "/" + (layers.get(i) instanceof CrossLayerSpec ? "cross_" : "dense_") + i;
    }

    /** The name of layer {@code i}'s kernel. */
    public String kernelName(int i) {
        return layerName(i) + "/kernel";
    }

    /** The name of layer {@code i}'s bias. */
    public String biasName(int i) {
        return layerName(i) + "/bias";
    }

    /** A low-rank cross layer's U ({@code [d, r]}). */
    public String kernelUName(int i) {
        return layerName(i) + "/kernel_u";
    }

    /** A low-rank cross layer's V ({@code [r, d]}). */
    public String kernelVName(int i) {
        return layerName(i) + "/kernel_v";
    }

    /** Every weight of the head with its shape, for an input {@code inputDim} columns wide. */
    public Map<String, int[]> weightShapes(int inputDim) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        int in = inputDim;
        for (int i = 0; i < layers.size(); i++) {
            HeadLayerSpec layer = layers.get(i);
            if (layer instanceof CrossLayerSpec cross && cross.lowRank()) {
                shapes.put(kernelUName(i), new int[] {in, cross.projectionDim()});
                shapes.put(kernelVName(i), new int[] {cross.projectionDim(), in});
            } else {
                shapes.put(kernelName(i), new int[] {in, layer.outputDim(in)});
            }
            shapes.put(biasName(i), new int[] {layer.outputDim(in)});
            in = layer.outputDim(in);
        }
        return shapes;
    }
}
