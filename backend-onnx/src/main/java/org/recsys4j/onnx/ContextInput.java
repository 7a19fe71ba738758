package org.recsys4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.spi.TextValues;
import org.recsys4j.vocab.StringLookup;

/**
 * A context input of an exported query tower (e.g. {@code timestamp_bucket}, or a numeric one with
 * no vocabulary and a float default, e.g. {@code timestamp_normalized}): the vocabulary its
 * LabelEncoder holds, and the default the file gives it (one empty string, shape {@code [1]}), which
 * the Java side feeds when a caller has no value, since ONNX Runtime's Java API cannot leave it to
 * the model (see {@link OnnxModelFile#sessionBytes}).
 */
record ContextInput(String name, StringLookup vocabulary, String[] defaultValues, float[] defaultNumbers,
        long[] defaultShape) {

    /** A categorical context input: strings through its vocabulary. */
    ContextInput(String name, StringLookup vocabulary, String[] defaultValues, long[] defaultShape) {
        this(name, vocabulary, defaultValues, null, defaultShape);
    }

    /** A numeric input (a float per query, e.g. a normalised timestamp), with its float default. */
    static ContextInput numeric(String name, float[] defaultNumbers, long[] defaultShape) {
        return new ContextInput(name, null, null, defaultNumbers, defaultShape);
    }

    boolean numeric() {
        return defaultNumbers != null;
    }

    /**
     * The string tensors to feed besides the ids: for each context input, the caller's values
     * (one per query) or else the default. The caller closes them.
     *
     * @param given raw values by feature name, each already checked to hold {@code n} values
     */
    static Map<String, OnnxTensor> tensors(List<ContextInput> inputs, Map<String, String[]> given, int n)
            throws OrtException {
        return tensors(inputs, given, Map.of(), n);
    }

    /**
     * As above, a numeric input's values given as floats in {@code numbers} or as decimal strings
     * in {@code given} (finite decimals, parsed by {@link TextValues#parseFloat}); else its default, 0.
     */
    static Map<String, OnnxTensor> tensors(List<ContextInput> inputs, Map<String, String[]> given,
            Map<String, float[]> numbers, int n) throws OrtException {
        Map<String, OnnxTensor> out = new LinkedHashMap<>();
        try {
            for (ContextInput c : inputs) {
                if (c.numeric()) {
                    float[] v = numbers.get(c.name());
                    if (v == null && given.get(c.name()) != null) {
                        v = parse(c.name(), given.get(c.name()));
                    }
                    out.put(c.name(), v != null
                            ? OnnxTensor.createTensor(OrtSessions.environment(), java.nio.FloatBuffer.wrap(v),
                                    new long[] {n})
                            : OnnxTensor.createTensor(OrtSessions.environment(),
                                    java.nio.FloatBuffer.wrap(c.defaultNumbers()), c.defaultShape()));
                    continue;
                }
                String[] values = given.get(c.name());
                out.put(c.name(), values != null
                        ? OnnxTensor.createTensor(OrtSessions.environment(), values, new long[] {n})
                        : OnnxTensor.createTensor(OrtSessions.environment(), c.defaultValues(), c.defaultShape()));
            }
            return out;
        } catch (OrtException | RuntimeException e) {
            out.values().forEach(OnnxTensor::close);
            throw e;
        }
    }

    /** Finite decimals only: a NaN or an infinity would come back as an embedding of NaNs. */
    private static float[] parse(String name, String[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = TextValues.parseFloat("numeric feature '" + name + "' value " + i, values[i]);
        }
        return out;
    }

    /** The names of {@code inputs}. */
    static List<String> names(List<ContextInput> inputs) {
        return inputs.stream().map(ContextInput::name).toList();
    }
}
