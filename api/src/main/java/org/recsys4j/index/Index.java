package org.recsys4j.index;

import java.util.List;
import java.util.Set;
import org.recsys4j.model.Embeddings;

/**
 * Candidate identifiers and embeddings in; the top k identifiers and scores out, for a query
 * embedding or for a raw query value passed through the query tower.
 */
public interface Index {
    /** The number of indexed candidates. */
    int size();

    /** The k best candidates for one query embedding, leaving out {@code exclusions}. */
    TopK search(float[] query, int k, Set<String> exclusions);

    /** The top {@code k} candidates for a query embedding, none excluded. */
    default TopK search(float[] query, int k) {
        return search(query, k, Set.of());
    }

    /** The k best candidates for each row of {@code queries}. */
    List<TopK> search(Embeddings queries, int k);

    /** The k best candidates for a raw query value, e.g. a user id, through the query tower. */
    TopK query(String rawQuery, int k, Set<String> exclusions);

    /** The top {@code k} candidates for a raw query value, none excluded. */
    default TopK query(String rawQuery, int k) {
        return query(rawQuery, k, Set.of());
    }
}
