package org.recsys4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Arrays;
import java.util.Map;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Tower;
import org.recsys4j.vocab.StringLookup;

/**
 * A tower model (raw ids in, embeddings out) running in an ONNX Runtime session that its
 * {@link OnnxInference} owns; valid until that is closed. The lookup happens inside the model, so
 * {@link #embed} hands the raw strings straight to ONNX Runtime.
 */
final class OrtTower implements Tower {
    private final String name;
    private final String feature;
    private final int dimension;
    private final StringLookup vocabulary;
    private final OrtSession session;
    /** A value the vocabulary lacks, so the model's LabelEncoder sends it to the OOV row. */
    private final String oovKey;

    OrtTower(String name, String feature, int dimension, StringLookup vocabulary, OrtSession session) {
        this.name = name;
        this.feature = feature;
        this.dimension = dimension;
        this.vocabulary = vocabulary;
        this.session = session;
        String key = StringLookup.OOV_TOKEN;
        while (vocabulary.contains(key)) {
            key = key + "#";
        }
        this.oovKey = key;
    }

    @Override
    public String feature() {
        return feature;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public StringLookup vocabulary() {
        return vocabulary;
    }

    @Override
    public Embeddings embed(String... values) {
        int n = values.length;
        if (n == 0) {
            return new Embeddings(new float[0], 0, dimension);
        }
        for (int i = 0; i < n; i++) {
            if (values[i] == null) {
                throw new IllegalArgumentException(feature + " value " + i + " is null");
            }
        }
        try (OnnxTensor in = OnnxTensor.createTensor(OrtSessions.environment(), values, new long[] {n});
                OrtSession.Result result = session.run(Map.of(feature, in))) {
            OnnxValue out = result.get(OnnxExport.EMBEDDINGS).orElseThrow(() -> new IllegalStateException(
                    "the " + name + " tower model has no output '" + OnnxExport.EMBEDDINGS + "'"));
            long[] shape = ((OnnxTensor) out).getInfo().getShape();
            if (shape.length != 2 || shape[0] != n || shape[1] != dimension) {
                throw new IllegalStateException("the " + name + " tower model returned shape "
                        + Arrays.toString(shape) + " for " + n + " ids; expected [" + n + ", " + dimension + "]");
            }
            float[] data = new float[n * dimension];
            ((OnnxTensor) out).getFloatBuffer().get(data);
            return new Embeddings(data, n, dimension);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run the " + name + " tower: " + e.getMessage(), e);
        }
    }

    /** Rows back to their ids, so the model's own lookup is what runs (row 0 as an unknown id). */
    @Override
    public Embeddings embedIndices(int[] rows) {
        Embeddings.checkRows(rows, vocabulary.size());
        String[] ids = new String[rows.length];
        for (int i = 0; i < rows.length; i++) {
            int r = rows[i];
            ids[i] = r == StringLookup.OOV_INDEX ? oovKey : vocabulary.token(r);
        }
        return embed(ids);
    }

    @Override
    public String toString() {
        return "OrtTower[" + name + ", " + feature + " -> " + dimension + "]";
    }
}
