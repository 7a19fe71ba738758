package org.recsys4j.ranking;

import java.util.List;

/** Scores candidates for a query: the ranking stage's one question (higher is better). */
public interface Ranker {
    /**
     * The score of each candidate for {@code query}, in the order given: a ranking model's
     * prediction (a rating, or a probability for click labels).
     */
    default float[] score(String query, List<String> candidates) {
        if (candidates.isEmpty()) {
            return new float[0];
        }
        // a ranking model's input is a (query, candidate) pair per row: the query once per candidate
        String[] queries = new String[candidates.size()];
        java.util.Arrays.fill(queries, query);
        return scorePairs(queries, candidates.toArray(String[]::new));
    }

    /** The score of each (query, candidate) row; both arrays have one entry per row, at least one. */
    float[] scorePairs(String[] queries, String[] candidates);
}
