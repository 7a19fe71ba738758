package org.recsys4j.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Named feature columns of a set of examples, one value per example, each of one type:
 * <em>categorical</em> (vocabulary rows, {@code int[]}) or <em>numeric</em> (already normalised
 * floats, {@code float[]}), as TFRS hands a tower a dictionary of feature tensors. A tower takes
 * the columns it reads and ignores the rest; a column it reads but is not given gets its default
 * (the OOV row, or 0).
 *
 * <p>Immutable: arrays are copied in and out, so a column read from here can be changed freely
 * (or read through a read-only view, {@link #rowsView} and {@link #valuesView}).
 * Every column has the same length.
 */
public final class Features {
    private static final Features NONE = new Features(Map.of(), Map.of(), Set.of(), -1);

    private final Map<String, int[]> categorical;
    private final Map<String, float[]> numeric;
    /** Every name, in the order the columns were added. */
    private final Set<String> names;
    /** The columns' common length; -1 without columns. */
    private final int length;

    private Features(Map<String, int[]> categorical, Map<String, float[]> numeric, Set<String> names, int length) {
        this.categorical = categorical;
        this.numeric = numeric;
        this.names = names;
        this.length = length;
    }

    /** No columns. */
    public static Features none() {
        return NONE;
    }

    /** Categorical columns, in the map's order. */
    public static Features categorical(Map<String, int[]> columns) {
        Features out = NONE;
        for (var e : columns.entrySet()) {
            out = out.withRows(e.getKey(), e.getValue());
        }
        return out;
    }

    /** These columns and a categorical one (replacing a column of that name). */
    public Features withRows(String name, int[] rows) {
        return with(name, rows.clone(), null, rows.length);
    }

    /** These columns and a numeric one (replacing a column of that name). */
    public Features withValues(String name, float[] values) {
        return with(name, null, values.clone(), values.length);
    }

    /** As {@link #withValues(String, float[])}, each value rounded to float. */
    public Features withValues(String name, double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return with(name, null, f, f.length);
    }

    private Features with(String name, int[] rows, float[] values, int n) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a feature column needs a name");
        }
        boolean replacing = names.contains(name);
        if (length >= 0 && n != length && !(replacing && names.size() == 1)) {
            throw new IllegalArgumentException("feature '" + name + "' has " + n + " values; the other columns ("
                    + names + ") have " + length);
        }
        Map<String, int[]> c = new LinkedHashMap<>(categorical);
        Map<String, float[]> v = new LinkedHashMap<>(numeric);
        c.remove(name);
        v.remove(name);
        if (rows != null) {
            c.put(name, rows);
        } else {
            v.put(name, values);
        }
        Set<String> all = new LinkedHashSet<>(names);
        all.add(name);
        return new Features(Collections.unmodifiableMap(c), Collections.unmodifiableMap(v),
                Collections.unmodifiableSet(all), n);
    }

    /** Whether there are no columns. */
    public boolean isEmpty() {
        return names.isEmpty();
    }

    /** The columns' names, in the order they were added. */
    public Set<String> names() {
        return names;
    }

    /** Whether there is a column {@code name}, categorical or numeric. */
    public boolean has(String name) {
        return names.contains(name);
    }

    /** Whether {@code name} is a numeric column (false when absent or categorical). */
    public boolean isNumeric(String name) {
        return numeric.containsKey(name);
    }

    /** The number of examples; 0 without columns. */
    public int size() {
        return Math.max(0, length);
    }

    /**
     * A copy of the categorical column {@code name}, or null when there is no column of that name.
     *
     * @throws IllegalArgumentException when the column is numeric
     */
    public int[] rows(String name) {
        int[] r = categoricalColumn(name);
        return r == null ? null : r.clone();
    }

    /**
     * A copy of the numeric column {@code name}, or null when there is no column of that name.
     *
     * @throws IllegalArgumentException when the column is categorical
     */
    public float[] values(String name) {
        float[] v = numericColumn(name);
        return v == null ? null : v.clone();
    }

    /**
     * The categorical column {@code name} as a read-only view, or null when there is no column of
     * that name: for a trainer that copies the column into its own tensors at every step, without
     * the copy {@link #rows} makes first (fresh arrays each step cost a fresh JVM a page fault per
     * 4 KiB on the step's serial path).
     *
     * @throws IllegalArgumentException when the column is numeric
     */
    public java.nio.IntBuffer rowsView(String name) {
        int[] r = categoricalColumn(name);
        return r == null ? null : java.nio.IntBuffer.wrap(r).asReadOnlyBuffer();
    }

    /**
     * The numeric column {@code name} as a read-only view, or null when there is no column of that
     * name; as {@link #rowsView}.
     *
     * @throws IllegalArgumentException when the column is categorical
     */
    public java.nio.FloatBuffer valuesView(String name) {
        float[] v = numericColumn(name);
        return v == null ? null : java.nio.FloatBuffer.wrap(v).asReadOnlyBuffer();
    }

    private int[] categoricalColumn(String name) {
        if (numeric.containsKey(name)) {
            throw new IllegalArgumentException("feature '" + name + "' is numeric: it has values, not vocabulary rows");
        }
        return categorical.get(name);
    }

    private float[] numericColumn(String name) {
        if (categorical.containsKey(name)) {
            throw new IllegalArgumentException("feature '" + name + "' is categorical: it has vocabulary rows, not"
                    + " numeric values");
        }
        return numeric.get(name);
    }

    /** Examples {@code from} (inclusive) to {@code to} (exclusive) of every column. */
    public Features slice(int from, int to) {
        if (from < 0 || to < from || to > size()) {
            throw new IndexOutOfBoundsException("examples " + from + " to " + to + " of " + size());
        }
        return map(c -> Arrays.copyOfRange(c, from, to), v -> Arrays.copyOfRange(v, from, to), to - from);
    }

    /** The examples at {@code index} of every column, in that order (an index may repeat). */
    public Features select(int[] index) {
        return map(c -> {
            int[] out = new int[index.length];
            for (int i = 0; i < index.length; i++) {
                out[i] = c[index[i]];
            }
            return out;
        }, v -> {
            float[] out = new float[index.length];
            for (int i = 0; i < index.length; i++) {
                out[i] = v[index[i]];
            }
            return out;
        }, index.length);
    }

    /** Only the columns named in {@code keep}, in this order. */
    public Features only(Set<String> keep) {
        if (keep.containsAll(names)) {
            return this;
        }
        Map<String, int[]> c = new LinkedHashMap<>();
        Map<String, float[]> v = new LinkedHashMap<>();
        Set<String> all = new LinkedHashSet<>();
        for (String name : names) {
            if (keep.contains(name)) {
                all.add(name);
                if (categorical.containsKey(name)) {
                    c.put(name, categorical.get(name));
                } else {
                    v.put(name, numeric.get(name));
                }
            }
        }
        return all.isEmpty() ? NONE : new Features(Collections.unmodifiableMap(c), Collections.unmodifiableMap(v),
                Collections.unmodifiableSet(all), length);
    }

    private Features map(java.util.function.UnaryOperator<int[]> rows, java.util.function.UnaryOperator<float[]> values,
            int n) {
        if (isEmpty()) {
            return this;
        }
        Map<String, int[]> c = new LinkedHashMap<>();
        Map<String, float[]> v = new LinkedHashMap<>();
        categorical.forEach((name, column) -> c.put(name, rows.apply(column)));
        numeric.forEach((name, column) -> v.put(name, values.apply(column)));
        return new Features(Collections.unmodifiableMap(c), Collections.unmodifiableMap(v), names, n);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Features[");
        for (String name : names) {
            b.append(b.length() > 9 ? ", " : "").append(name).append(numeric.containsKey(name) ? ": numeric" : "");
        }
        return b.append("] x ").append(size()).toString();
    }
}
