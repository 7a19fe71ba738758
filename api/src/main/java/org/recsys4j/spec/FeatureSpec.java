package org.recsys4j.spec;

import java.util.Objects;

/**
 * A feature a tower reads besides its id, through its own embedding table of the tower's
 * embedding dimension; the tower sums it into the id's embedding before its dense layers.
 *
 * <p>Two kinds, as the TFRS featurization tutorials use them:
 * <ul>
 *   <li>derived from the id ({@code valuesByIdRow} given): fixed per id, such as a user's age
 *       bucket or a title's words and genres. Row r of the id vocabulary has the values
 *       {@code valuesByIdRow[r]} (rows of this feature's vocabulary, any number); their
 *       embeddings are averaged, and no values contribute zero. Serving by id needs nothing more.
 *   <li>context ({@code valuesByIdRow} null): one value per example, read from the batch under
 *       {@code name}, such as the bucket of a rating's timestamp. Serving without it uses row 0,
 *       the OOV row.
 *   <li>numeric ({@link #numeric(String)}): one float per example, read from the batch under
 *       {@code name} (already normalised, e.g. Keras {@code Normalization}'s {@code (x - mean) / std}),
 *       contributing {@code value * w} with {@code w} the one row of its {@code [1, dim]} table. The
 *       batch carries it as a numeric column ({@link org.recsys4j.model.Features#withValues}), a
 *       context feature as a categorical one. Serving without it uses 0, the mean.
 * </ul>
 *
 * @param name the feature's name; weights are {@code <tower>/<name>/embedding}
 * @param vocabularySize rows of its embedding table, OOV included
 * @param valuesByIdRow per id row, the feature's rows; null for a context or numeric feature
 * @param numeric one float per example (vocabularySize 1, valuesByIdRow null)
 */
public record FeatureSpec(String name, int vocabularySize, int[][] valuesByIdRow, boolean numeric) {
    /** A categorical feature: derived from the id if {@code valuesByIdRow} is given, else context. */
    public FeatureSpec(String name, int vocabularySize, int[][] valuesByIdRow) {
        this(name, vocabularySize, valuesByIdRow, false);
    }

    public FeatureSpec {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("feature name '" + name + "' must be letters, digits, '_', '.' or '-'");
        }
        if (vocabularySize < 1) {
            throw new IllegalArgumentException("feature '" + name + "': vocabularySize must be at least 1");
        }
        if (numeric && (vocabularySize != 1 || valuesByIdRow != null)) {
            throw new IllegalArgumentException("numeric feature '" + name + "' has one table row and no values by id");
        }
        if (valuesByIdRow != null) {
            for (int r = 0; r < valuesByIdRow.length; r++) {
                Objects.requireNonNull(valuesByIdRow[r], () -> "feature '" + name + "': no values for id row");
                for (int v : valuesByIdRow[r]) {
                    if (v < 0 || v >= vocabularySize) {
                        throw new IllegalArgumentException("feature '" + name + "': id row " + r + " has value " + v
                                + ", outside its vocabulary of " + vocabularySize);
                    }
                }
            }
        }
    }

    /** A context feature: one categorical value per example, read from the batch. */
    public static FeatureSpec context(String name, int vocabularySize) {
        return new FeatureSpec(name, vocabularySize, null);
    }

    /** One float per example, times a learned vector ({@code [1, dim]} table); 0 when absent. */
    public static FeatureSpec numeric(String name) {
        return new FeatureSpec(name, 1, null, true);
    }

    /** A feature derived from the id: row r of the id vocabulary has the values {@code valuesByIdRow[r]}. */
    public static FeatureSpec derived(String name, int vocabularySize, int[][] valuesByIdRow) {
        return new FeatureSpec(name, vocabularySize, Objects.requireNonNull(valuesByIdRow, "valuesByIdRow"));
    }

    /** Read from the batch, one value per example: a context or a numeric feature. */
    public boolean fromContext() {
        return valuesByIdRow == null;
    }

    /** The most values any id row has (1 for a context feature). */
    public int width() {
        if (valuesByIdRow == null) {
            return 1;
        }
        int w = 0;
        for (int[] v : valuesByIdRow) {
            w = Math.max(w, v.length);
        }
        return w;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureSpec f && name.equals(f.name) && vocabularySize == f.vocabularySize
                && numeric == f.numeric
                && java.util.Arrays.deepEquals(valuesByIdRow, f.valuesByIdRow);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, vocabularySize, numeric, java.util.Arrays.deepHashCode(valuesByIdRow));
    }

    @Override
    public String toString() {
        return "FeatureSpec[" + name + ", " + vocabularySize
                + (numeric ? ", numeric]" : fromContext() ? ", context]" : ", derived]");
    }
}
