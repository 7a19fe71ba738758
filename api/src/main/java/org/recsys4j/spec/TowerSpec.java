package org.recsys4j.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A declared tower: one categorical feature (the id) through a vocabulary into an embedding
 * table, plus the embeddings of further features summed into it, then optional dense layers.
 * Backends compile it; weights are named {@code <name>/embedding}, {@code <name>/<feature>/embedding},
 * {@code <name>/dense_<i>/kernel} and {@code <name>/dense_<i>/bias}.
 *
 * @param name the tower's name, e.g. {@code query} or {@code candidate}
 * @param feature the input feature, e.g. {@code user_id}
 * @param vocabularySize rows of the embedding table: the vocabulary plus its OOV slot
 * @param embeddingDim columns of the embedding table
 * @param layers dense layers applied after the embedding, in order
 * @param features features besides the id, summed into its embedding (none in the TFRS tutorial)
 * @param outputBias an extra last output column for a per-candidate score bias ({@link OutputBias})
 * @param normalize L2-normalise the output (before any bias column), as
 *     {@code tf.math.l2_normalize(x, axis=1, epsilon=1e-12)}: scores become cosines (times the
 *     other side's norm), the usual companion of a temperature below 1
 */
public record TowerSpec(String name, String feature, int vocabularySize, int embeddingDim,
        List<DenseLayerSpec> layers, List<FeatureSpec> features, OutputBias outputBias, boolean normalize) {
    /** {@code tf.math.l2_normalize}'s epsilon: the squared norm is at least this. */
    public static final float NORMALIZE_EPSILON = 1e-12f;


    public TowerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(feature, "feature");
        if (!name.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("tower name '" + name + "' must be letters, digits, '_', '.' or '-'");
        }
        if (vocabularySize < 1) {
            throw new IllegalArgumentException(
                    "tower '" + name + "': vocabularySize must be at least 1 (the OOV slot)");
        }
        if (embeddingDim < 1) {
            throw new IllegalArgumentException("tower '" + name + "': embeddingDim must be positive");
        }
        layers = layers == null ? List.of() : List.copyOf(layers);
        features = features == null ? List.of() : List.copyOf(features);
        outputBias = outputBias == null ? OutputBias.NONE : outputBias;
        java.util.Set<String> names = new java.util.HashSet<>();
        names.add(feature);
        for (FeatureSpec f : features) {
            if (!names.add(f.name())) {
                throw new IllegalArgumentException("tower '" + name + "' reads feature '" + f.name() + "' twice");
            }
            if (f.valuesByIdRow() != null && f.valuesByIdRow().length != vocabularySize) {
                throw new IllegalArgumentException("tower '" + name + "': feature '" + f.name() + "' has values for "
                        + f.valuesByIdRow().length + " id rows, the id vocabulary has " + vocabularySize);
            }
        }
    }

    /** A tower of an id embedding and dense layers, without features, bias or normalisation. */
    public TowerSpec(String name, String feature, int vocabularySize, int embeddingDim, List<DenseLayerSpec> layers) {
        this(name, feature, vocabularySize, embeddingDim, layers, List.of(), OutputBias.NONE, false);
    }

    /** A tower of an id embedding, dense layers and {@code features}, without bias or normalisation. */
    public TowerSpec(String name, String feature, int vocabularySize, int embeddingDim, List<DenseLayerSpec> layers,
            List<FeatureSpec> features) {
        this(name, feature, vocabularySize, embeddingDim, layers, features, OutputBias.NONE, false);
    }

    /** This tower with an extra output column for a per-candidate bias. */
    public TowerSpec withOutputBias(OutputBias bias) {
        return new TowerSpec(name, feature, vocabularySize, embeddingDim, layers, features, bias, normalize);
    }

    /** This tower with its output L2-normalised (or not). */
    public TowerSpec withNormalize(boolean on) {
        return new TowerSpec(name, feature, vocabularySize, embeddingDim, layers, features, outputBias, on);
    }

    /** The name of the score bias weight, {@code <tower>/score_bias}. */
    public String scoreBiasName() {
        return name + "/score_bias";
    }

    /** The size of the output before the bias column: the embedding's or the last dense layer's. */
    public int denseOutputDim() {
        return layers.isEmpty() ? embeddingDim : layers.get(layers.size() - 1).units();
    }

    /** This tower with one more feature summed into its id embedding. */
    public TowerSpec withFeature(FeatureSpec extra) {
        List<FeatureSpec> more = new java.util.ArrayList<>(features);
        more.add(extra);
        return new TowerSpec(name, feature, vocabularySize, embeddingDim, layers, more, outputBias, normalize);
    }

    /** The features read from the batch, one value per example (numeric ones included). */
    public List<FeatureSpec> contextFeatures() {
        return features.stream().filter(FeatureSpec::fromContext).toList();
    }

    /** The name of {@code f}'s embedding table, {@code <tower>/<feature>/embedding}. */
    public String featureEmbeddingName(FeatureSpec f) {
        return name + "/" + f.name() + "/embedding";
    }

    /** An embedding-only tower, as in the TFRS retrieval tutorial. */
    public static TowerSpec embedding(String name, String feature, int vocabularySize, int embeddingDim) {
        return new TowerSpec(name, feature, vocabularySize, embeddingDim, List.of());
    }

    /** This tower with one more dense layer of {@code units} at the end. */
    public TowerSpec withDense(int units, Activation activation) {
        List<DenseLayerSpec> more = new java.util.ArrayList<>(layers);
        more.add(new DenseLayerSpec(units, activation));
        return new TowerSpec(name, feature, vocabularySize, embeddingDim, more, features, outputBias, normalize);
    }

    /** The size of the tower's output embedding, the bias column included. */
    public int outputDim() {
        return denseOutputDim() + (outputBias == OutputBias.NONE ? 0 : 1);
    }

    /** The name of the id embedding table, {@code <tower>/embedding}. */
    public String embeddingName() {
        return name + "/embedding";
    }

    /** The name of dense layer {@code layer}'s kernel, {@code <tower>/dense_<layer>/kernel}. */
    public String kernelName(int layer) {
        return name + "/dense_" + layer + "/kernel";
    }

    /** The name of dense layer {@code layer}'s bias, {@code <tower>/dense_<layer>/bias}. */
    public String biasName(int layer) {
        return name + "/dense_" + layer + "/bias";
    }

    /** Every weight of the tower with its shape, in a stable order. */
    public Map<String, int[]> weightShapes() {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put(embeddingName(), new int[] {vocabularySize, embeddingDim});
        for (FeatureSpec f : features) {
            shapes.put(featureEmbeddingName(f), new int[] {f.vocabularySize(), embeddingDim});
        }
        int in = embeddingDim;
        for (int i = 0; i < layers.size(); i++) {
            int out = layers.get(i).units();
            shapes.put(kernelName(i), new int[] {in, out});
            shapes.put(biasName(i), new int[] {out});
            in = out;
        }
        if (outputBias == OutputBias.LEARNED) {
            shapes.put(scoreBiasName(), new int[] {vocabularySize, 1});
        }
        return shapes;
    }
}
