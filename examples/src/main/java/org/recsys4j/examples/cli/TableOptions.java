package org.recsys4j.examples.cli;

import java.util.List;
import org.recsys4j.data.TableSpec;
import picocli.CommandLine.Option;

/** Which table to train on and what its columns mean ({@code recsys4j train}). */
final class TableOptions {
    @Option(names = "--interactions", paramLabel = "PATH", description = "The interactions: a CSV/TSV file (with or"
            + " without a header: without one, columns are column0, column1, ...), Parquet, JSON lines, or a glob"
            + " such as 'logs/*.parquet' (quote it).")
    String interactions;

    @Option(names = "--sql", paramLabel = "QUERY", description = "Instead of --interactions: a DuckDB query whose"
            + " result is the interactions, e.g. \"SELECT user, item, ts FROM 'a.parquet' JOIN ...\".")
    String sql;

    @Option(names = "--query-id", paramLabel = "COL", required = true, description = "The query (user) id column.")
    String queryId;

    @Option(names = "--candidate-id", paramLabel = "COL", required = true, description = "The candidate (item) id"
            + " column.")
    String candidateId;

    @Option(names = "--timestamp", paramLabel = "COL", description = "The time of each interaction (a number, a"
            + " date or a timestamp), for temporal and last:N splits; list it in --query-features too to feed it"
            + " to the model, normalised.")
    String timestamp;

    @Option(names = "--weight", paramLabel = "COL", description = "Each interaction's sample weight.")
    String weight;

    @Option(names = "--query-features", paramLabel = "COL", split = ",", description = "Per-interaction query features,"
            + " comma-separated: text and integers get a vocabulary, decimals are normalised with training"
            + " statistics kept in the bundle.")
    List<String> queryFeatures;

    @Option(names = "--candidate-features", paramLabel = "COL", split = ",", description = "Categorical candidate"
            + " features, one value per candidate (from --items when given, else each candidate's first"
            + " interaction).")
    List<String> candidateFeatures;

    @Option(names = "--items", paramLabel = "PATH", description = "A table of every candidate (a path, a glob, or a"
            + " SELECT query): the catalog recommended from.")
    String items;

    @Option(names = "--item-id", paramLabel = "COL", description = "The items table's id column.")
    String itemId;

    @Option(names = "--item-label", paramLabel = "COL", description = "The items table's column of titles to show.")
    String itemLabel;

    TableSpec spec() {
        List<String> features = queryFeatures == null ? List.of() : queryFeatures;
        return new TableSpec(interactions, sql, queryId, candidateId, timestamp, weight, features, candidateFeatures,
                items, itemId, itemLabel);
    }
}
