package org.recsys4j.data;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * A columnar table of examples: the Java view of a TFDS feature dictionary. Every column has
 * {@link #size()} rows; categorical columns (user_id, movie_title) are dictionary-encoded
 * ({@link CategoricalColumn}: an {@code int} code per row and each distinct value once), numeric
 * columns (ratings, timestamps, weights) are {@code double[]}, which keeps a Unix timestamp exact
 * to the second where a float would round it to about a minute.
 *
 * <p>Immutable: {@link #shuffle}, {@link #take} and {@link #skip} return new tables, as the
 * {@code tf.data} operations of the same names do; they copy codes, never strings.
 */
public final class Interactions {
    private final int size;
    private final Map<String, CategoricalColumn> categorical;
    private final Map<String, double[]> numbers;
    /** Decoded string columns, made on first use: callers index them row by row in loops. */
    private final Map<String, String[]> decoded = new java.util.concurrent.ConcurrentHashMap<>();

    private Interactions(int size, Map<String, CategoricalColumn> categorical, Map<String, double[]> numbers) {
        this.size = size;
        this.categorical = categorical;
        this.numbers = numbers;
    }

    /** A builder to assemble a table column by column. */
    public static Builder builder() {
        return new Builder();
    }

    /** The number of rows. */
    public int size() {
        return size;
    }

    /**
     * The string column {@code name}, decoded into references to its dictionary's values, once (the
     * same array on every call); the caller must not modify it. For large tables prefer
     * {@link #categorical(String)}, which holds one code per row and no array of references.
     */
    public String[] strings(String name) {
        CategoricalColumn column = categorical(name);
        return decoded.computeIfAbsent(name, k -> column.decode());
    }

    /** The dictionary-encoded column {@code name}; the caller must not modify its arrays. */
    public CategoricalColumn categorical(String name) {
        CategoricalColumn column = categorical.get(name);
        if (column == null) {
            throw new IllegalArgumentException(
                    "no string feature '" + name + "'; features are " + categorical.keySet() + " and "
                            + numbers.keySet());
        }
        return column;
    }

    /** The numeric column {@code name}; the caller must not modify it. */
    public double[] numbers(String name) {
        double[] column = numbers.get(name);
        if (column == null) {
            throw new IllegalArgumentException(
                    "no numeric feature '" + name + "'; features are " + categorical.keySet() + " and "
                            + numbers.keySet());
        }
        return column;
    }

    /** Whether the table has a column {@code name}, categorical or numeric. */
    public boolean has(String name) {
        return categorical.containsKey(name) || numbers.containsKey(name);
    }

    /** Whether {@code name} is a categorical (string) column. */
    public boolean isCategorical(String name) {
        return categorical.containsKey(name);
    }

    /** The names of the categorical columns, in the order they were added. */
    public java.util.Set<String> categoricalNames() {
        return Collections.unmodifiableSet(categorical.keySet());
    }

    /** The names of the numeric columns, in the order they were added. */
    public java.util.Set<String> numericNames() {
        return Collections.unmodifiableSet(numbers.keySet());
    }

    /** This table with one more string column. */
    public Interactions withStrings(String name, String[] column) {
        return with().strings(name, column).build();
    }

    /** This table with one more dictionary-encoded column. */
    public Interactions withCategorical(String name, CategoricalColumn column) {
        return with().categorical(name, column).build();
    }

    /** This table with one more numeric column. */
    public Interactions withNumbers(String name, double[] column) {
        return with().numbers(name, column).build();
    }

    private Builder with() {
        Builder b = builder();
        categorical.forEach(b::categorical);
        numbers.forEach(b::numbers);
        return b;
    }

    /** A seeded permutation of the rows: the same seed gives the same order on every machine. */
    public Interactions shuffle(long seed) {
        return select(permutation(size, seed));
    }

    /** The permutation {@link #shuffle} applies: a Fisher-Yates shuffle driven by {@code new Random(seed)}. */
    public static int[] permutation(int size, long seed) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** The first {@code n} rows (all of them if there are fewer). */
    public Interactions take(int n) {
        return slice(0, Math.min(size, checkCount(n)));
    }

    /** All rows after the first {@code n}. */
    public Interactions skip(int n) {
        return slice(Math.min(size, checkCount(n)), size);
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive), as a new table. */
    public Interactions slice(int from, int to) {
        Objects.checkFromToIndex(from, to, size);
        Map<String, CategoricalColumn> s = new LinkedHashMap<>();
        categorical.forEach((k, v) -> s.put(k, v.slice(from, to)));
        Map<String, double[]> d = new LinkedHashMap<>();
        numbers.forEach((k, v) -> d.put(k, Arrays.copyOfRange(v, from, to)));
        return new Interactions(to - from, s, d);
    }

    /** The rows at the given positions, in that order. */
    public Interactions select(int[] rows) {
        for (int r : rows) {
            Objects.checkIndex(r, size);
        }
        Map<String, CategoricalColumn> s = new LinkedHashMap<>();
        categorical.forEach((k, v) -> s.put(k, v.select(rows)));
        Map<String, double[]> d = new LinkedHashMap<>();
        numbers.forEach((k, v) -> {
            double[] out = new double[rows.length];
            for (int i = 0; i < rows.length; i++) {
                out[i] = v[rows[i]];
            }
            d.put(k, out);
        });
        return new Interactions(rows.length, s, d);
    }

    private static int checkCount(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("count must not be negative: " + n);
        }
        return n;
    }

    @Override
    public String toString() {
        return "Interactions[" + size + " rows, strings=" + categorical.keySet() + ", numbers=" + numbers.keySet()
                + "]";
    }

    /** Collects columns of equal length. */
    public static final class Builder {
        private final Map<String, CategoricalColumn> categorical = new LinkedHashMap<>();
        private final Map<String, double[]> numbers = new LinkedHashMap<>();
        private int size = -1;

        /** A string column, dictionary-encoded here. */
        public Builder strings(String name, String[] column) {
            try {
                return categorical(name, CategoricalColumn.encode(column));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("feature '" + name + "': " + e.getMessage(), e);
            }
        }

        /** An encoded column; every code must index its dictionary. */
        public Builder categorical(String name, CategoricalColumn column) {
            check(name, column.size());
            int n = column.dictionary().length;
            for (int c : column.codes()) {
                if (c < 0 || c >= n) {
                    throw new IllegalArgumentException("feature '" + name + "': code " + c
                            + " is outside its dictionary of " + n);
                }
            }
            categorical.put(name, column);
            return this;
        }

        /** A numeric column; its length must match the other columns'. */
        public Builder numbers(String name, double[] column) {
            check(name, column.length);
            numbers.put(name, column);
            return this;
        }

        private void check(String name, int length) {
            if (categorical.containsKey(name) || numbers.containsKey(name)) {
                throw new IllegalArgumentException("feature '" + name + "' given twice");
            }
            if (size >= 0 && length != size) {
                throw new IllegalArgumentException(
                        "feature '" + name + "' has " + length + " rows, the others have " + size);
            }
            size = length;
        }

        /** The table of the columns added so far. */
        public Interactions build() {
            return new Interactions(Math.max(size, 0), categorical, numbers);
        }
    }
}
