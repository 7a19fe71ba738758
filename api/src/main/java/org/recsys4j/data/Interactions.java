package org.recsys4j.data;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * A columnar table of examples: the Java view of a TFDS feature dictionary. Every column has
 * {@link #size()} rows; string columns hold categorical features (user_id, movie_title), numeric
 * columns hold ratings, timestamps and the like.
 *
 * <p>Immutable: {@link #shuffle}, {@link #take} and {@link #skip} return new tables, as the
 * {@code tf.data} operations of the same names do.
 */
public final class Interactions {
    private final int size;
    private final Map<String, String[]> strings;
    private final Map<String, double[]> numbers;

    private Interactions(int size, Map<String, String[]> strings, Map<String, double[]> numbers) {
        this.size = size;
        this.strings = strings;
        this.numbers = numbers;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int size() {
        return size;
    }

    /** The string column {@code name}; the caller must not modify it. */
    public String[] strings(String name) {
        String[] column = strings.get(name);
        if (column == null) {
            throw new IllegalArgumentException(
                    "no string feature '" + name + "'; features are " + strings.keySet() + " and " + numbers.keySet());
        }
        return column;
    }

    /** The numeric column {@code name}; the caller must not modify it. */
    public double[] numbers(String name) {
        double[] column = numbers.get(name);
        if (column == null) {
            throw new IllegalArgumentException(
                    "no numeric feature '" + name + "'; features are " + strings.keySet() + " and " + numbers.keySet());
        }
        return column;
    }

    public boolean has(String name) {
        return strings.containsKey(name) || numbers.containsKey(name);
    }

    public Map<String, String[]> stringColumns() {
        return Collections.unmodifiableMap(strings);
    }

    /** A seeded permutation of the rows: the same seed gives the same order on every machine. */
    /** This table with one more string column. */
    public Interactions withStrings(String name, String[] column) {
        Builder b = builder();
        strings.forEach(b::strings);
        numbers.forEach(b::numbers);
        return b.strings(name, column).build();
    }

    /** This table with one more numeric column. */
    public Interactions withNumbers(String name, double[] column) {
        Builder b = builder();
        strings.forEach(b::strings);
        numbers.forEach(b::numbers);
        return b.numbers(name, column).build();
    }

    public Interactions shuffle(long seed) {
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
        return select(order);
    }

    /** The first {@code n} rows (all of them if there are fewer). */
    public Interactions take(int n) {
        return slice(0, Math.min(size, checkCount(n)));
    }

    /** All rows after the first {@code n}. */
    public Interactions skip(int n) {
        return slice(Math.min(size, checkCount(n)), size);
    }

    public Interactions slice(int from, int to) {
        Objects.checkFromToIndex(from, to, size);
        Map<String, String[]> s = new LinkedHashMap<>();
        strings.forEach((k, v) -> s.put(k, Arrays.copyOfRange(v, from, to)));
        Map<String, double[]> d = new LinkedHashMap<>();
        numbers.forEach((k, v) -> d.put(k, Arrays.copyOfRange(v, from, to)));
        return new Interactions(to - from, s, d);
    }

    /** The rows at the given positions, in that order. */
    public Interactions select(int[] rows) {
        Map<String, String[]> s = new LinkedHashMap<>();
        strings.forEach((k, v) -> {
            String[] out = new String[rows.length];
            for (int i = 0; i < rows.length; i++) {
                out[i] = v[rows[i]];
            }
            s.put(k, out);
        });
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
        return "Interactions[" + size + " rows, strings=" + strings.keySet() + ", numbers=" + numbers.keySet() + "]";
    }

    /** Collects columns of equal length. */
    public static final class Builder {
        private final Map<String, String[]> strings = new LinkedHashMap<>();
        private final Map<String, double[]> numbers = new LinkedHashMap<>();
        private int size = -1;

        public Builder strings(String name, String[] column) {
            check(name, column.length);
            strings.put(name, column);
            return this;
        }

        public Builder numbers(String name, double[] column) {
            check(name, column.length);
            numbers.put(name, column);
            return this;
        }

        private void check(String name, int length) {
            if (strings.containsKey(name) || numbers.containsKey(name)) {
                throw new IllegalArgumentException("feature '" + name + "' given twice");
            }
            if (size >= 0 && length != size) {
                throw new IllegalArgumentException(
                        "feature '" + name + "' has " + length + " rows, the others have " + size);
            }
            size = length;
        }

        public Interactions build() {
            return new Interactions(Math.max(size, 0), strings, numbers);
        }
    }
}
