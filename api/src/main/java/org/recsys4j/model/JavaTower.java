package org.recsys4j.model;

import java.util.Objects;
import org.recsys4j.spec.DenseLayerSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.vocab.StringLookup;

/**
 * A tower evaluated in plain Java from its weights: the reference every backend is checked
 * against, and a way to serve a bundle with no native runtime at all.
 */
public final class JavaTower implements Tower {
    private final TowerSpec spec;
    private final StringLookup vocabulary;
    private final java.util.Map<String, float[]> tables = new java.util.HashMap<>();
    private final float[] scoreBias;
    private final FloatTensor[] kernels;
    private final FloatTensor[] biases;

    /** The tower {@code spec} at {@code weights}, its ids looked up in {@code vocabulary}. */
    public JavaTower(TowerSpec spec, StringLookup vocabulary, Weights weights) {
        this.spec = Objects.requireNonNull(spec);
        this.vocabulary = Objects.requireNonNull(vocabulary);
        if (vocabulary.size() != spec.vocabularySize()) {
            throw new IllegalArgumentException("tower '" + spec.name() + "' has " + spec.vocabularySize()
                    + " rows but its vocabulary has " + vocabulary.size() + " (with OOV)");
        }
        tables.put(spec.embeddingName(), weights.get(spec.embeddingName()).data());
        scoreBias = spec.outputBias() == org.recsys4j.spec.OutputBias.LEARNED
                ? weights.get(spec.scoreBiasName()).data() : null;
        for (var f : spec.features()) {
            tables.put(spec.featureEmbeddingName(f), weights.get(spec.featureEmbeddingName(f)).data());
        }
        int n = spec.layers().size();
        kernels = new FloatTensor[n];
        biases = new FloatTensor[n];
        for (int i = 0; i < n; i++) {
            kernels[i] = weights.get(spec.kernelName(i));
            biases[i] = weights.get(spec.biasName(i));
        }
    }

    @Override
    public String feature() {
        return spec.feature();
    }

    @Override
    public int dimension() {
        return spec.outputDim();
    }

    @Override
    public StringLookup vocabulary() {
        return vocabulary;
    }

    @Override
    public Embeddings embedIndices(int[] rows) {
        return embedIndices(rows, Features.none());
    }

    /** Context features the caller does not give read their OOV row (a numeric one 0). */
    @Override
    public Embeddings embedIndices(int[] rows, Features context) {
        int d = spec.embeddingDim();
        float[] x = TowerInputs.sum(spec, tables, rows, context);
        int width = d;
        for (int l = 0; l < kernels.length; l++) {
            DenseLayerSpec layer = spec.layers().get(l);
            x = dense(x, rows.length, width, kernels[l].data(), biases[l].data(), layer);
            width = layer.units();
        }
        if (spec.normalize()) {
            TowerInputs.normalizeRows(x, rows.length, width);
        }
        x = TowerInputs.appendBias(spec, x, rows, width, scoreBias);
        return new Embeddings(x, rows.length, spec.outputDim());
    }

    private static float[] dense(float[] x, int n, int in, float[] w, float[] b, DenseLayerSpec layer) {
        int out = layer.units();
        float[] y = new float[n * out];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < out; o++) {
                float s = b[o];
                for (int k = 0; k < in; k++) {
                    s += x[i * in + k] * w[k * out + o];
                }
                y[i * out + o] = layer.activation().apply(s);
            }
        }
        return y;
    }
}
