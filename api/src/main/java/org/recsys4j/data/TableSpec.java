package org.recsys4j.data;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * Which table holds the interactions and what its columns mean: the options of {@code recsys4j
 * train}. Exactly one of {@code interactions} (a file or a glob: CSV/TSV with or without a header,
 * Parquet, JSON lines) and {@code sql} (a query whose result is the table) is given.
 *
 * @param interactions a path or glob, or null with {@code sql}
 * @param sql a query, or null with {@code interactions}
 * @param queryId the column of the query (user) id
 * @param candidateId the column of the candidate (item) id
 * @param timestamp the column of the interaction's time (a number or a date/time), or null
 * @param weight the column of each interaction's sample weight, or null
 * @param queryFeatures per-interaction features of the query: strings and integers become
 *     vocabularies, floating point numbers are normalised
 * @param candidateFeatures categorical features of the candidate, one value per candidate id (the
 *     first seen), read from the items table when there is one, else from the interactions
 * @param items an optional table of every candidate (its ids are the catalog), or null
 * @param itemId the items table's id column (required with {@code items})
 * @param itemLabel the items table's column of titles to show, or null
 */
public record TableSpec(String interactions, String sql, String queryId, String candidateId, String timestamp,
        String weight, List<String> queryFeatures, List<String> candidateFeatures, String items, String itemId,
        String itemLabel) {

    public TableSpec {
        if ((interactions == null) == (sql == null)) {
            throw new IllegalArgumentException("name the interactions as a file (--interactions PATH) or as a query"
                    + " (--sql \"SELECT ...\"), one of the two");
        }
        require(queryId, "the query id column (--query-id)");
        require(candidateId, "the candidate id column (--candidate-id)");
        queryFeatures = queryFeatures == null ? List.of() : List.copyOf(queryFeatures);
        candidateFeatures = candidateFeatures == null ? List.of() : List.copyOf(candidateFeatures);
        if (items != null && itemId == null) {
            throw new IllegalArgumentException("an items table (--items) needs its id column (--item-id)");
        }
        if (items == null && (itemId != null || itemLabel != null)) {
            throw new IllegalArgumentException("--item-id and --item-label name columns of the items table; give it"
                    + " with --items PATH");
        }
        List<String> roles = new ArrayList<>(List.of(queryId, candidateId));
        if (timestamp != null) {
            roles.add(timestamp);
        }
        if (weight != null) {
            roles.add(weight);
        }
        if (new LinkedHashSet<>(roles).size() != roles.size()) {
            throw new IllegalArgumentException("the query id, candidate id, timestamp and weight must be different"
                    + " columns, got " + roles);
        }
    }

    private static void require(String column, String what) {
        if (column == null || column.isBlank()) {
            throw new IllegalArgumentException("name " + what);
        }
    }

    /** A file or glob with its query and candidate id columns. */
    public static TableSpec file(String path, String queryId, String candidateId) {
        return new TableSpec(Objects.requireNonNull(path, "path"), null, queryId, candidateId, null, null, null, null,
                null, null, null);
    }

    /** A query's result with its query and candidate id columns. */
    public static TableSpec query(String sql, String queryId, String candidateId) {
        return new TableSpec(null, Objects.requireNonNull(sql, "sql"), queryId, candidateId, null, null, null, null,
                null, null, null);
    }

    /** The same table, with a timestamp column (for time splits and as a context feature). */
    public TableSpec withTimestamp(String column) {
        return new TableSpec(interactions, sql, queryId, candidateId, column, weight, queryFeatures,
                candidateFeatures, items, itemId, itemLabel);
    }

    /** The same table, with a column weighing each interaction's loss. */
    public TableSpec withWeight(String column) {
        return new TableSpec(interactions, sql, queryId, candidateId, timestamp, column, queryFeatures,
                candidateFeatures, items, itemId, itemLabel);
    }

    /** The same table, with columns the query tower reads beside the query id. */
    public TableSpec withQueryFeatures(List<String> columns) {
        return new TableSpec(interactions, sql, queryId, candidateId, timestamp, weight, columns, candidateFeatures,
                items, itemId, itemLabel);
    }

    /** The same table, with candidate columns the candidate tower reads (items table, else interactions). */
    public TableSpec withCandidateFeatures(List<String> columns) {
        return new TableSpec(interactions, sql, queryId, candidateId, timestamp, weight, queryFeatures, columns,
                items, itemId, itemLabel);
    }

    /** The same table, with an items table of every candidate: its id column and label column (or null). */
    public TableSpec withItems(String path, String idColumn, String labelColumn) {
        return new TableSpec(interactions, sql, queryId, candidateId, timestamp, weight, queryFeatures,
                candidateFeatures, path, idColumn, labelColumn);
    }

    /** The source as a person would name it: the path, or the query. */
    public String source() {
        return interactions != null ? interactions : "--sql " + sql;
    }
}
