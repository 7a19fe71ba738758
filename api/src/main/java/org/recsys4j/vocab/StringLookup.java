package org.recsys4j.vocab;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Maps string feature values to embedding rows, as Keras {@code StringLookup(mask_token=None)}
 * does: index 0 is the one out-of-vocabulary slot, the vocabulary takes indices 1..n. Unknown
 * values map to the OOV row; they never fail.
 */
public final class StringLookup {
    public static final String OOV_TOKEN = "[UNK]";
    public static final int OOV_INDEX = 0;

    private final List<String> vocabulary;
    private final Map<String, Integer> index;

    private StringLookup(List<String> vocabulary) {
        this.vocabulary = List.copyOf(vocabulary);
        this.index = new HashMap<>(vocabulary.size() * 2);
        for (int i = 0; i < this.vocabulary.size(); i++) {
            String token = this.vocabulary.get(i);
            if (index.put(token, i + 1) != null) {
                throw new IllegalArgumentException("vocabulary holds '" + token + "' twice");
            }
        }
    }

    /** A lookup over the given vocabulary, in the given order (the OOV slot is added in front). */
    public static StringLookup of(Collection<String> vocabulary) {
        for (String token : vocabulary) {
            if (token == null) {
                throw new IllegalArgumentException("vocabulary holds a null token");
            }
        }
        return new StringLookup(new ArrayList<>(vocabulary));
    }

    /** The sorted distinct values, as {@code np.unique} gives them to the TFRS tutorial. */
    public static StringLookup ofUnique(String[] values) {
        TreeSet<String> unique = new TreeSet<>();
        Collections.addAll(unique, values);
        return new StringLookup(new ArrayList<>(unique));
    }

    /**
     * Learns the vocabulary from data, as {@code StringLookup.adapt}: the most frequent value first,
     * equal counts in string order.
     */
    public static StringLookup adapt(String[] values) {
        Map<String, int[]> counts = new HashMap<>();
        for (String v : values) {
            counts.computeIfAbsent(v, k -> new int[1])[0]++;
        }
        List<String> tokens = new ArrayList<>(counts.keySet());
        tokens.sort((a, b) -> {
            int byCount = Integer.compare(counts.get(b)[0], counts.get(a)[0]);
            return byCount != 0 ? byCount : a.compareTo(b);
        });
        return new StringLookup(tokens);
    }

    /** The row of {@code value}: 1..n for known values, {@link #OOV_INDEX} otherwise. */
    public int index(String value) {
        Integer i = index.get(value);
        return i == null ? OOV_INDEX : i;
    }

    /** The row of each value, as {@link #index}: unknown values get the OOV row 0. */
    public int[] lookup(String[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = index(values[i]);
        }
        return out;
    }

    /** Whether {@code value} has its own row (not the OOV one). */
    public boolean contains(String value) {
        return index.containsKey(value);
    }

    /** The value of row {@code i}; row 0 is {@link #OOV_TOKEN}. */
    public String token(int i) {
        return i == OOV_INDEX ? OOV_TOKEN : vocabulary.get(i - 1);
    }

    /** The number of embedding rows needed: the vocabulary plus the OOV slot. */
    public int size() {
        return vocabulary.size() + 1;
    }

    /** The vocabulary without the OOV slot. */
    public List<String> vocabulary() {
        return vocabulary;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StringLookup other && vocabulary.equals(other.vocabulary);
    }

    @Override
    public int hashCode() {
        return vocabulary.hashCode();
    }

    @Override
    public String toString() {
        return "StringLookup[" + vocabulary.size() + " tokens + OOV]";
    }
}
