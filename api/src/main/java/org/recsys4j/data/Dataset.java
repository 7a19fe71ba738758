package org.recsys4j.data;

import java.util.List;
import java.util.Objects;

/**
 * A table read for training: the interactions as dictionary-encoded columns named as in the
 * source, the catalog of candidates, what the columns mean, what loading cost, and any warnings
 * the reader has for the user (duplicate item ids, say).
 */
public record Dataset(TableSpec spec, Interactions interactions, ItemCatalog items, LoadStats load,
        List<String> warnings) {
    public Dataset {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(interactions, "interactions");
        Objects.requireNonNull(items, "items");
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }
}
