package org.recsys4j.data;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.recsys4j.vocab.StringLookup;

/**
 * A dictionary-encoded string column: one {@code int} code per row into a dictionary of the
 * distinct values, so a table of millions of rows holds each distinct value once and no string per
 * row. The dictionary may hold values no row uses (a slice of a larger table shares its parent's).
 *
 * @param codes per row, an index into {@code dictionary}
 * @param dictionary the distinct values; the caller must not modify it
 */
public record CategoricalColumn(int[] codes, String[] dictionary) {
    public CategoricalColumn {
        Objects.requireNonNull(codes, "codes");
        Objects.requireNonNull(dictionary, "dictionary");
    }

    /** Encodes {@code values}; the dictionary lists them in order of first appearance. */
    public static CategoricalColumn encode(String[] values) {
        Map<String, Integer> index = new HashMap<>();
        int[] codes = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            String v = values[i];
            if (v == null) {
                throw new IllegalArgumentException("row " + i + " has no value (null)");
            }
            Integer code = index.get(v);
            if (code == null) {
                code = index.size();
                index.put(v, code);
            }
            codes[i] = code;
        }
        String[] dictionary = new String[index.size()];
        index.forEach((v, c) -> dictionary[c] = v);
        return new CategoricalColumn(codes, dictionary);
    }

    /** The number of rows. */
    public int size() {
        return codes.length;
    }

    /** The value of row {@code i}. */
    public String value(int i) {
        return dictionary[codes[i]];
    }

    /** Every row's value (references into the dictionary, not copies). */
    public String[] decode() {
        String[] out = new String[codes.length];
        for (int i = 0; i < codes.length; i++) {
            out[i] = dictionary[codes[i]];
        }
        return out;
    }

    /**
     * Every row's row in {@code vocabulary} ({@link StringLookup#OOV_INDEX} for values it does not
     * hold): one hash lookup per distinct value, then an array gather per row.
     */
    public int[] lookup(StringLookup vocabulary) {
        int[] rowOfCode = new int[dictionary.length];
        for (int d = 0; d < dictionary.length; d++) {
            rowOfCode[d] = vocabulary.index(dictionary[d]);
        }
        int[] out = new int[codes.length];
        for (int i = 0; i < codes.length; i++) {
            out[i] = rowOfCode[codes[i]];
        }
        return out;
    }

    /** Whether each dictionary entry is used by some row. */
    public boolean[] used() {
        boolean[] used = new boolean[dictionary.length];
        for (int c : codes) {
            used[c] = true;
        }
        return used;
    }

    /** The rows at the given positions, sharing this column's dictionary. */
    CategoricalColumn select(int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = codes[rows[i]];
        }
        return new CategoricalColumn(out, dictionary);
    }

    CategoricalColumn slice(int from, int to) {
        return new CategoricalColumn(java.util.Arrays.copyOfRange(codes, from, to), dictionary);
    }
}
