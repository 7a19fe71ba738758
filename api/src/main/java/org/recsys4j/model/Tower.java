package org.recsys4j.model;

import org.recsys4j.vocab.StringLookup;

/**
 * Raw feature values in, one fixed-size embedding per example out. Backends implement it over
 * their own runtime; {@link JavaTower} is the plain-Java reference.
 */
public interface Tower {
    /** The feature this tower reads, e.g. {@code user_id}. */
    String feature();

    /** The size of the embeddings it returns. */
    int dimension();

    /** The vocabulary that turns raw values into rows. */
    StringLookup vocabulary();

    /** Embeddings for vocabulary rows (0 is the OOV row). */
    Embeddings embedIndices(int[] rows);

    /**
     * Embeddings for vocabulary rows with the examples' context features (a categorical one's
     * rows, a numeric one's values; by feature name), for towers that read context such as a
     * timestamp. A tower reads the columns it knows and ignores the rest; this default, for a
     * tower that cannot read context at all, accepts none.
     */
    default Embeddings embedIndices(int[] rows, Features context) {
        if (context == null || context.isEmpty()) {
            return embedIndices(rows);
        }
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not read context features");
    }

    /** Embeddings for raw values; unknown values get the OOV row's embedding. */
    default Embeddings embed(String... values) {
        return embedIndices(vocabulary().lookup(values));
    }
}
