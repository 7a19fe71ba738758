package org.recsys4j.metrics;

/**
 * Scores every candidate item for one user: for recommenders that are not two towers (popularity,
 * item-kNN, EASE), evaluated by {@link RankingEvaluation} under the same protocol as the models.
 */
@FunctionalInterface
public interface ItemScorer {
    /**
     * Writes user {@code user}'s score of each item into {@code out} (one slot per item). Called
     * from several threads at once, each with its own {@code out}.
     */
    void score(int user, float[] out);
}
