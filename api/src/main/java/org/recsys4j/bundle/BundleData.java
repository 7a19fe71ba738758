package org.recsys4j.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.recsys4j.data.ItemCatalog;

/**
 * What a bundle knows about its data beside the vocabularies: the catalog of candidates (ids,
 * labels, features) that recommending and exporting index, the normalisation statistics of its
 * numeric features, the columns it was trained from, where the data came from, and the split.
 * Saved as {@code data.json} inside the bundle directory, so that everything after training needs
 * only the bundle.
 *
 * @param columns roles to column names: {@code query_id}, {@code candidate_id}, {@code timestamp},
 *     {@code weight}
 * @param items every candidate, in catalog order
 * @param normalization per numeric feature of the model, how its raw column is normalised
 * @param source what was read ({@code path}, {@code rows}, ...) as the report's {@code data}
 * @param split the split's spec and sizes, as the report's {@code split}
 */
public record BundleData(Map<String, String> columns, ItemCatalog items, Map<String, Normalization> normalization,
        Map<String, Object> source, Map<String, Object> split) {
    public static final String FILE = "data.json";
    public static final String FORMAT = "recsys4j-bundle-data";
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Keras {@code Normalization}: the feature is {@code (raw - mean) / std} of the raw column
     * {@code source}, with statistics over the training rows.
     */
    public record Normalization(String source, double mean, double std) {
        public Normalization {
            Objects.requireNonNull(source, "source");
            if (!Double.isFinite(mean) || !(std > 0) || !Double.isFinite(std)) {
                throw new IllegalArgumentException("normalisation of '" + source + "' needs a finite mean and a"
                        + " positive std, got " + mean + " and " + std);
            }
        }

        /** Keras's adapt: the mean and the population standard deviation, floored at 1e-7. */
        public static Normalization adapt(String source, double[] x) {
            double mean = 0;
            for (double v : x) {
                mean += v;
            }
            mean /= Math.max(1, x.length);
            double var = 0;
            for (double v : x) {
                var += (v - mean) * (v - mean);
            }
            var /= Math.max(1, x.length);
            return new Normalization(source, mean, Math.max(Math.sqrt(var), 1e-7));
        }

        /** {@code (x - mean) / std}, each value rounded to the float the towers read. */
        public double[] apply(double[] x) {
            double[] out = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                out[i] = (float) ((x[i] - mean) / std);
            }
            return out;
        }
    }

    public BundleData {
        columns = Map.copyOf(columns);
        Objects.requireNonNull(items, "items");
        normalization = normalization == null ? Map.of() : new LinkedHashMap<>(normalization);
        source = source == null ? Map.of() : new LinkedHashMap<>(source);
        split = split == null ? Map.of() : new LinkedHashMap<>(split);
    }

    /** Writes {@code data.json} into a bundle directory being saved ({@link BundleIO#save}'s extras). */
    public BundleExtra extra() {
        return dir -> {
            Path file = dir.resolve(FILE);
            ObjectNode root = JSON.createObjectNode();
            root.put("format", FORMAT);
            root.put("formatVersion", FORMAT_VERSION);
            root.set("columns", JSON.valueToTree(new java.util.TreeMap<>(columns)));
            ObjectNode items = root.putObject("items");
            items.set("ids", JSON.valueToTree(items().ids()));
            if (items().labels() != null) {
                items.set("labels", JSON.valueToTree(items().labels()));
            }
            items.set("features", JSON.valueToTree(items().features()));
            root.set("normalization", JSON.valueToTree(normalization));
            root.set("source", JSON.valueToTree(source));
            root.set("split", JSON.valueToTree(split));
            JSON.writeValue(file.toFile(), root);
            BundleIO.fsync(file);
        };
    }

    /** Whether the bundle in {@code dir} has a {@code data.json} (bundles trained before it existed do not). */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE));
    }

    public static BundleData load(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new BundleFormatException(file + ": not readable JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new BundleFormatException(file + ": 'format' must be " + FORMAT);
        }
        int version = root.path("formatVersion").asInt(-1);
        if (version != FORMAT_VERSION) {
            throw new BundleFormatException(file + ": format version " + version + " is not supported (this"
                    + " recsys4j reads " + FORMAT_VERSION + ")");
        }
        try {
            JsonNode items = root.path("items");
            String[] ids = strings(items.path("ids"), file, "items.ids");
            String[] labels = items.has("labels") ? strings(items.path("labels"), file, "items.labels") : null;
            Map<String, String[]> features = new LinkedHashMap<>();
            items.path("features").fields().forEachRemaining(e -> features.put(e.getKey(),
                    JSON.convertValue(e.getValue(), String[].class)));
            Map<String, Normalization> normalization = new LinkedHashMap<>();
            root.path("normalization").fields().forEachRemaining(e -> normalization.put(e.getKey(),
                    JSON.convertValue(e.getValue(), Normalization.class)));
            @SuppressWarnings("unchecked")
            Map<String, String> columns = JSON.convertValue(root.path("columns"), Map.class);
            @SuppressWarnings("unchecked")
            Map<String, Object> source = JSON.convertValue(root.path("source"), Map.class);
            @SuppressWarnings("unchecked")
            Map<String, Object> split = JSON.convertValue(root.path("split"), Map.class);
            return new BundleData(columns == null ? Map.of() : columns, new ItemCatalog(ids, labels, features),
                    normalization, source, split);
        } catch (IllegalArgumentException e) {
            throw new BundleFormatException(file + ": " + e.getMessage());
        }
    }

    private static String[] strings(JsonNode node, Path file, String field) throws BundleFormatException {
        if (!node.isArray()) {
            throw new BundleFormatException(file + ": '" + field + "' must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : (ArrayNode) node) {
            if (!n.isTextual()) {
                throw new BundleFormatException(file + ": '" + field + "' must hold strings only");
            }
            out.add(n.asText());
        }
        return out.toArray(String[]::new);
    }
}
