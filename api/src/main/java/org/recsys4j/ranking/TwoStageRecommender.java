package org.recsys4j.ranking;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.recsys4j.index.Index;
import org.recsys4j.index.TopK;

/**
 * Retrieval, then ranking: the {@code candidates} best of the retrieval index for a query, reordered
 * by the ranker's scores, the top {@code k} of them returned. The object a command line and a
 * service both call.
 */
public final class TwoStageRecommender {
    private final Index retrieval;
    private final Ranker ranker;
    private final int candidates;

    /** What one query got: the retrieval's candidates (its scores) and the ranked top k (the ranker's scores). */
    public record Result(TopK retrieved, TopK ranked) {
    }

    /** Retrieves {@code candidates} candidates per query from {@code retrieval} and ranks them with {@code ranker}. */
    public TwoStageRecommender(Index retrieval, Ranker ranker, int candidates) {
        this.retrieval = Objects.requireNonNull(retrieval, "retrieval");
        this.ranker = Objects.requireNonNull(ranker, "ranker");
        if (candidates < 1) {
            throw new IllegalArgumentException("the retrieval stage needs at least one candidate, got " + candidates);
        }
        this.candidates = candidates;
    }

    /**
     * The top {@code k} for a raw query value, {@code exclusions} (e.g. the user's seen items) left
     * out; ties in the ranker's score keep the retrieval's order.
     */
    public Result recommend(String query, int k, Set<String> exclusions) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive, got " + k);
        }
        TopK retrieved = retrieval.query(query, Math.max(k, candidates), exclusions);
        float[] scores = ranker.score(query, retrieved.identifiers());
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> -scores[i]));
        int top = Math.min(k, order.size());
        List<String> ids = new ArrayList<>(top);
        float[] ranked = new float[top];
        for (int i = 0; i < top; i++) {
            ids.add(retrieved.identifiers().get(order.get(i)));
            ranked[i] = scores[order.get(i)];
        }
        return new Result(retrieved, new TopK(ids, ranked));
    }

    /** The top {@code k} for {@code query}, none excluded. */
    public Result recommend(String query, int k) {
        return recommend(query, k, Set.of());
    }
}
