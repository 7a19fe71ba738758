package org.recsys4j.data;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Every candidate a model can recommend: its id (the candidate tower's input), optionally a label
 * to show (a title), and its categorical features, all aligned by position. Saved in the bundle,
 * so recommending and exporting need nothing else.
 *
 * @param ids the candidate ids, in catalog order
 * @param labels per id, the text to show; null when the data has none (the id is shown)
 * @param features per candidate feature, one value per id
 */
public record ItemCatalog(String[] ids, String[] labels, Map<String, String[]> features) {
    public ItemCatalog {
        Objects.requireNonNull(ids, "ids");
        if (labels != null && labels.length != ids.length) {
            throw new IllegalArgumentException(labels.length + " labels for " + ids.length + " candidates");
        }
        features = features == null ? Map.of() : new LinkedHashMap<>(features);
        for (var e : features.entrySet()) {
            if (e.getValue().length != ids.length) {
                throw new IllegalArgumentException("candidate feature '" + e.getKey() + "' has " + e.getValue().length
                        + " values for " + ids.length + " candidates");
            }
        }
    }

    /** Candidates known by id alone: no labels, no features. */
    public ItemCatalog(String[] ids) {
        this(ids, null, null);
    }

    /** The number of candidates. */
    public int size() {
        return ids.length;
    }

    /** The label of candidate {@code i}, or its id when there are no labels. */
    public String label(int i) {
        return labels == null || labels[i] == null ? ids[i] : labels[i];
    }

    /** The label of each candidate id (the first one listed where an id repeats). */
    public Map<String, String> labelById() {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < ids.length; i++) {
            out.putIfAbsent(ids[i], label(i));
        }
        return out;
    }
}
