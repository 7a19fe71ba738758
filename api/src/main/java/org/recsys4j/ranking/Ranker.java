package org.recsys4j.ranking;

import java.util.List;

/** Scores candidates for a query: the ranking stage's one question (higher is better). */
public interface Ranker {
    /**
     * The score of each candidate for {@code query}, in the order given: a ranking model's
     * prediction (a rating, or a probability for click labels).
     */
    float[] score(String query, List<String> candidates);

    /** The query once per candidate: a ranking model's input is a (query, candidate) pair per row. */
    static String[] repeat(String query, int n) {
        String[] queries = new String[n];
        java.util.Arrays.fill(queries, query);
        return queries;
    }
}
