package org.recsys4j.spark;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.recsys4j.vocab.StringLookup;

/**
 * A vocabulary as it travels to the executors: the tokens only; the hash index is built on first
 * use, once per executor, since Spark keeps one deserialised copy of a broadcast value per
 * executor and every task there shares it.
 */
final class TokenIndex implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String[] tokens;
    private transient volatile Map<String, Integer> index;

    TokenIndex(StringLookup vocabulary) {
        // row 0 is the OOV slot; token i sits at row i + 1
        this.tokens = vocabulary.vocabulary().toArray(String[]::new);
    }

    /** The row of {@code token}, or {@link StringLookup#OOV_INDEX} when unknown. */
    int row(String token) {
        Integer r = index().get(token);
        return r == null ? StringLookup.OOV_INDEX : r;
    }

    /** The token at {@code row} (1..size). */
    String token(int row) {
        return tokens[row - 1];
    }

    int size() {
        return tokens.length;
    }

    private Map<String, Integer> index() {
        Map<String, Integer> m = index;
        if (m == null) {
            synchronized (this) {
                m = index;
                if (m == null) {
                    m = new HashMap<>(tokens.length * 2);
                    for (int i = 0; i < tokens.length; i++) {
                        m.put(tokens[i], i + 1);
                    }
                    index = m;
                }
            }
        }
        return m;
    }
}
