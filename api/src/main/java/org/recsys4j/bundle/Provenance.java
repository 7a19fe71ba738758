package org.recsys4j.bundle;

import java.util.Map;

/**
 * Where a model came from: the data files and their SHA-256, the seed, the backend that trained
 * it, the versions of everything involved, and when.
 */
public record Provenance(String dataset, Map<String, String> dataFiles, long seed, String backend,
        Map<String, String> versions, String createdAt) {
    public Provenance {
        dataFiles = dataFiles == null ? Map.of() : Map.copyOf(dataFiles);
        versions = versions == null ? Map.of() : Map.copyOf(versions);
    }
}
