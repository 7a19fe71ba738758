package org.recsys4j.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.recsys4j.spec.RetrievalSpec;

/** The named tensors of a model, in a stable order. */
public final class Weights {
    private final Map<String, FloatTensor> tensors;

    /** The named tensors, kept in the order given. */
    public Weights(Map<String, FloatTensor> tensors) {
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** The tensor {@code name}; an error listing the names if there is none. */
    public FloatTensor get(String name) {
        FloatTensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no weight named '" + name + "'; the weights are " + tensors.keySet());
        }
        return t;
    }

    /** The tensors' names, in order. */
    public Set<String> names() {
        return tensors.keySet();
    }

    /** The tensors by name, in order (unmodifiable). */
    public Map<String, FloatTensor> asMap() {
        return tensors;
    }

    /** Checks that these weights are exactly those {@code spec} declares, with the right shapes. */
    public void validate(RetrievalSpec spec) {
        validate(spec.weightShapes());
    }

    /** Checks that these weights are exactly those a model {@code spec} declares. */
    public void validate(org.recsys4j.spec.ModelSpec spec) {
        validate(spec.weightShapes());
    }

    private void validate(Map<String, int[]> expected) {
        for (var e : expected.entrySet()) {
            FloatTensor t = tensors.get(e.getKey());
            if (t == null) {
                throw new IllegalArgumentException("weight '" + e.getKey() + "' is missing");
            }
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new IllegalArgumentException("weight '" + e.getKey() + "' has shape " + Arrays.toString(t.shape())
                        + ", the spec needs " + Arrays.toString(e.getValue()));
            }
            for (float v : t.data()) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("weight '" + e.getKey() + "' holds a non-finite value");
                }
            }
        }
        for (String name : tensors.keySet()) {
            if (!expected.containsKey(name)) {
                throw new IllegalArgumentException("weight '" + name + "' is not part of the spec");
            }
        }
    }
}
