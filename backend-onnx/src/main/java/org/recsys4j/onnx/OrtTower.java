package org.recsys4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Features;
import org.recsys4j.model.Tower;
import org.recsys4j.spi.CloseGuard;
import org.recsys4j.vocab.StringLookup;

/**
 * A tower model (raw ids in, embeddings out) running in an ONNX Runtime session that its
 * {@link OnnxInference} owns; valid until that is closed. The lookup happens inside the model, so
 * {@link #embed} hands the raw strings straight to ONNX Runtime. A query tower that reads context
 * features takes them as further string inputs; {@link #embedIndices(int[], Features)} turns their rows
 * back into the feature's tokens for the model's own lookup, and a feature not given gets the
 * model's default, its OOV row.
 */
final class OrtTower implements Tower {
    private final String name;
    private final String feature;
    private final int dimension;
    private final StringLookup vocabulary;
    private final OrtSession session;
    /** The context inputs, in the model's order, with their vocabularies and defaults. */
    private final List<ContextInput> context;
    private final Map<String, StringLookup> contextVocabularies = new LinkedHashMap<>();
    /** The numeric inputs (a float per query), which have no vocabulary. */
    private final java.util.Set<String> numericInputs = new java.util.LinkedHashSet<>();

    private final CloseGuard owner;

    /** @param owner the state of the inference that owns the session */
    OrtTower(String name, String feature, int dimension, StringLookup vocabulary, List<ContextInput> context,
            OrtSession session, CloseGuard owner) {
        this.owner = owner;
        this.name = name;
        this.feature = feature;
        this.dimension = dimension;
        this.vocabulary = vocabulary;
        this.context = List.copyOf(context);
        for (ContextInput c : context) {
            if (c.numeric()) {
                numericInputs.add(c.name());
            } else {
                contextVocabularies.put(c.name(), c.vocabulary());
            }
        }
        this.session = session;
    }

    /** A value the vocabulary lacks, so the model's LabelEncoder sends it to the OOV row. */
    private static String absentValue(StringLookup vocabulary) {
        String key = StringLookup.OOV_TOKEN;
        while (vocabulary.contains(key)) {
            key = key + "#";
        }
        return key;
    }

    /**
     * The categorical context features the model takes, with their vocabularies (empty for a
     * candidate tower); numeric ones are in {@link #numericInputs()}.
     */
    Map<String, StringLookup> contextVocabularies() {
        return java.util.Collections.unmodifiableMap(contextVocabularies);
    }

    /** The numeric inputs the model takes (a float per query; 0 when not given). */
    java.util.Set<String> numericInputs() {
        return java.util.Collections.unmodifiableSet(numericInputs);
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
        return embed(values, Map.of());
    }

    /**
     * Embeddings for raw ids with raw context values (by feature name, one per id); a context
     * feature left out reads its OOV row, as do unknown values.
     */
    Embeddings embed(String[] values, Map<String, String[]> contextValues) {
        return embed(values, contextValues, Map.of());
    }

    /**
     * As above, numeric features' values (already normalised) as floats in {@code numbers} or as
     * decimal strings in {@code contextValues}; left out, they read 0.
     */
    Embeddings embed(String[] values, Map<String, String[]> contextValues, Map<String, float[]> numbers) {
        owner.check();
        int n = values.length;
        if (n == 0) {
            return new Embeddings(new float[0], 0, dimension);
        }
        checkValues(feature, values, n);
        for (var e : contextValues.entrySet()) {
            if (!contextVocabularies.containsKey(e.getKey()) && !numericInputs.contains(e.getKey())) {
                throw new IllegalArgumentException("the " + name + " tower model takes no context feature '"
                        + e.getKey() + "'; it takes " + contextVocabularies.keySet()
                        + (numericInputs.isEmpty() ? "" : " and numeric " + numericInputs));
            }
            checkValues(e.getKey(), e.getValue(), n);
        }
        for (var e : numbers.entrySet()) {
            if (!numericInputs.contains(e.getKey()) || e.getValue().length != n) {
                throw new IllegalArgumentException("the " + name + " tower model takes no numeric feature '"
                        + e.getKey() + "' with " + e.getValue().length + " values for " + n + " ids; it takes "
                        + numericInputs);
            }
        }
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
            inputs.put(feature, OnnxTensor.createTensor(OrtSessions.environment(), values, new long[] {n}));
            inputs.putAll(ContextInput.tensors(context, contextValues, numbers, n));
            return run(inputs, n);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run the " + name + " tower: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private static void checkValues(String feature, String[] values, int n) {
        if (values == null || values.length != n) {
            throw new IllegalArgumentException(feature + " has " + (values == null ? "no" : values.length)
                    + " values for " + n + " ids");
        }
        for (int i = 0; i < n; i++) {
            if (values[i] == null) {
                throw new IllegalArgumentException(feature + " value " + i + " is null");
            }
        }
    }

    private Embeddings run(Map<String, OnnxTensor> inputs, int n) throws OrtException {
        try (OrtSession.Result result = session.run(inputs)) {
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
        }
    }

    /** Rows back to their ids, so the model's own lookup is what runs (row 0 as an unknown id). */
    @Override
    public Embeddings embedIndices(int[] rows) {
        return embedIndices(rows, Features.none());
    }

    /**
     * Rows back to their ids and each context feature's rows back to its tokens (row 0 as a value
     * the vocabulary lacks), so the model's own lookups run. As {@code JavaTower}: features the
     * model does not read are ignored, and one it reads but the caller leaves out reads its OOV row.
     * A numeric feature's values left out read 0.
     */
    @Override
    public Embeddings embedIndices(int[] rows, Features context) {
        Embeddings.checkRows(rows, vocabulary.size());
        Map<String, String[]> values = new LinkedHashMap<>();
        Map<String, float[]> numbers = new LinkedHashMap<>();
        if (context != null) {
            for (String numeric : numericInputs) {
                float[] v = context.values(numeric);
                if (v == null) {
                    continue;
                }
                if (v.length != rows.length) {
                    throw new IllegalArgumentException("feature '" + numeric + "' has " + v.length
                            + " values for " + rows.length + " examples");
                }
                numbers.put(numeric, v);
            }
            for (var e : contextVocabularies.entrySet()) {
                int[] r = context.rows(e.getKey());
                if (r == null) {
                    continue;
                }
                if (r.length != rows.length) {
                    throw new IllegalArgumentException("feature '" + e.getKey() + "' has " + r.length
                            + " values for " + rows.length + " examples");
                }
                Embeddings.checkRows(r, e.getValue().size());
                values.put(e.getKey(), tokens(r, e.getValue()));
            }
        }
        return embed(tokens(rows, vocabulary), values, numbers);
    }

    private static String[] tokens(int[] rows, StringLookup vocabulary) {
        String absent = null;
        String[] out = new String[rows.length];
        for (int i = 0; i < rows.length; i++) {
            int r = rows[i];
            if (r == StringLookup.OOV_INDEX) {
                absent = absent != null ? absent : absentValue(vocabulary);
                out[i] = absent;
            } else {
                out[i] = vocabulary.token(r);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "OrtTower[" + name + ", " + feature + " -> " + dimension + "]";
    }
}
