package org.recsys4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.vocab.StringLookup;

/**
 * A context input of an exported query tower (e.g. {@code timestamp_bucket}): the vocabulary its
 * LabelEncoder holds, and the default the file gives it (one empty string, shape {@code [1]}), which
 * the Java side feeds when a caller has no value, since ONNX Runtime's Java API cannot leave it to
 * the model (see {@link OnnxModelFile#sessionBytes}).
 */
record ContextInput(String name, StringLookup vocabulary, String[] defaultValues, long[] defaultShape) {

    /**
     * The string tensors to feed besides the ids: for each context input, the caller's values
     * (one per query) or else the default. The caller closes them.
     *
     * @param given raw values by feature name, each already checked to hold {@code n} values
     */
    static Map<String, OnnxTensor> tensors(List<ContextInput> inputs, Map<String, String[]> given, int n)
            throws OrtException {
        Map<String, OnnxTensor> out = new LinkedHashMap<>();
        try {
            for (ContextInput c : inputs) {
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

    /** The names of {@code inputs}. */
    static List<String> names(List<ContextInput> inputs) {
        return inputs.stream().map(ContextInput::name).toList();
    }
}
