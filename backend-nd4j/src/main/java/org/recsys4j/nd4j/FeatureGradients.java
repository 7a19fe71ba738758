package org.recsys4j.nd4j;

import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.recsys4j.model.Features;
import org.recsys4j.model.TowerInputs;
import org.recsys4j.spec.FeatureSpec;
import org.recsys4j.spec.TowerSpec;

/**
 * A tower's feature tables' gradients as the rows a batch used. The reference's own backward,
 * {@link TowerInputs#scatterFeatures}, writes into dense scratch tables, allocated at the first
 * backward pass (serving never needs them) and kept: reading off the used rows and clearing just
 * those keeps a step's cost in the batch, not in the feature vocabularies.
 */
final class FeatureGradients {
    private final TowerSpec spec;
    private Map<String, float[]> scratch;

    FeatureGradients(TowerSpec spec) {
        this.spec = spec;
    }

    /** Per feature table by weight name, its gradient from {@code gradInput} (one row per output). */
    Map<String, TowerNet.RowGradient> of(int[] rows, Features context, float[] gradInput) {
        if (spec.features().isEmpty()) {
            return Map.of();
        }
        int d = spec.embeddingDim();
        if (scratch == null) {
            scratch = new LinkedHashMap<>();
            for (FeatureSpec f : spec.features()) {
                scratch.put(spec.featureEmbeddingName(f), new float[f.vocabularySize() * d]);
            }
        }
        TowerInputs.scatterFeatures(spec, scratch, gradInput, rows, context);
        Map<String, TowerNet.RowGradient> out = new LinkedHashMap<>();
        for (FeatureSpec f : spec.features()) {
            float[] g = scratch.get(spec.featureEmbeddingName(f));
            int[] used = usedRows(f, rows, context);
            float[] values = new float[used.length * d];
            for (int i = 0; i < used.length; i++) {
                System.arraycopy(g, used[i] * d, values, i * d, d);
                Arrays.fill(g, used[i] * d, (used[i] + 1) * d, 0f);
            }
            out.put(spec.featureEmbeddingName(f), new TowerNet.RowGradient(used, values));
        }
        return out;
    }

    /**
     * The distinct rows of a feature's table that the batch read, in order of first use: the rows
     * Keras's sparse update touches. A context feature the caller did not give reads row 0, as in
     * {@link TowerInputs#sum}; an id row without derived values reads none.
     */
    static int[] usedRows(FeatureSpec f, int[] rows, Features context) {
        BitSet seen = new BitSet(f.vocabularySize());
        var out = java.util.stream.IntStream.builder();
        if (f.numeric()) {
            // its one row, read by every example (a value of 0 still reads it, with a zero gradient)
            return rows.length == 0 ? new int[0] : new int[] {0};
        }
        if (f.fromContext()) {
            int[] values = context == null ? null : context.rows(f.name());
            if (values == null) {
                return rows.length == 0 ? new int[0] : new int[] {0};
            }
            for (int v : values) {
                addOnce(seen, out, v);
            }
        } else {
            for (int r : rows) {
                for (int v : f.valuesByIdRow()[r]) {
                    addOnce(seen, out, v);
                }
            }
        }
        return out.build().toArray();
    }

    private static void addOnce(BitSet seen, java.util.stream.IntStream.Builder out, int v) {
        if (!seen.get(v)) {
            seen.set(v);
            out.add(v);
        }
    }
}
