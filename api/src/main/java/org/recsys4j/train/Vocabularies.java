package org.recsys4j.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.recsys4j.data.CategoricalColumn;
import org.recsys4j.spec.FeatureSpec;
import org.recsys4j.vocab.StringLookup;

/** Vocabularies and id-derived features built from encoded columns. */
public final class Vocabularies {
    private Vocabularies() {
    }

    /** The distinct values some row of {@code column} uses (a slice's dictionary may hold more). */
    public static String[] used(CategoricalColumn column) {
        boolean[] used = column.used();
        List<String> out = new ArrayList<>();
        for (int c = 0; c < used.length; c++) {
            if (used[c]) {
                out.add(column.dictionary()[c]);
            }
        }
        return out.toArray(String[]::new);
    }

    /**
     * A feature fixed per id: {@code values[i]} belongs to {@code ids[i]} (the first one listed where
     * an id repeats), looked up in its own sorted vocabulary; the OOV id row has none.
     */
    public static FeatureSpec derived(String name, StringLookup idVocabulary, String[] ids, String[] values) {
        List<List<String>> perId = new ArrayList<>(values.length);
        for (String v : values) {
            perId.add(List.of(v));
        }
        return derived(name, idVocabulary, ids, perId);
    }

    /** As {@link #derived(String, StringLookup, String[], String[])}, with any number of values per id. */
    public static FeatureSpec derived(String name, StringLookup idVocabulary, String[] ids, List<List<String>> values) {
        Map<Integer, List<String>> byRow = new HashMap<>();
        TreeSet<String> tokens = new TreeSet<>();
        for (int i = 0; i < ids.length; i++) {
            int row = idVocabulary.index(ids[i]);
            if (row != StringLookup.OOV_INDEX && !byRow.containsKey(row)) {
                byRow.put(row, values.get(i));
                tokens.addAll(values.get(i));
            }
        }
        StringLookup vocabulary = StringLookup.of(tokens);
        int[][] table = new int[idVocabulary.size()][];
        for (int r = 0; r < table.length; r++) {
            table[r] = byRow.getOrDefault(r, List.of()).stream().mapToInt(vocabulary::index).toArray();
        }
        return FeatureSpec.derived(name, vocabulary.size(), table);
    }
}
