package org.recsys4j.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.recsys4j.data.ItemCatalog;
import org.recsys4j.io.AtomicFiles;
import org.recsys4j.io.FormatHeader;
import org.recsys4j.io.JsonFiles;
import org.recsys4j.io.Text;

/**
 * What a bundle knows about its data beside the vocabularies: the catalog of candidates (ids,
 * labels, features) that recommending and exporting index, the normalisation statistics of its
 * numeric features, the columns it was trained from, where the data came from, and the split.
 * Saved as {@value #FILE} in the bundle's extra {@value #EXTRA} ({@link #inBundle()}, written and
 * committed with the bundle), so that everything after training needs only the bundle.
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
    /** The file inside the extra's directory. */
    public static final String FILE = "data.json";
    /** The extra's name in a bundle's {@code model.json}, and the stem of its directories. */
    public static final String EXTRA = "data";
    /** Format name and versions read, in the file's {@code format} and {@code formatVersion}. */
    public static final FormatHeader HEADER = new FormatHeader("recsys4j-bundle-data", 1, 1);

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

    /** Writes itself into a bundle being saved: {@code BundleIO.save(bundle, dir, data.inBundle())}. */
    public BundleExtra inBundle() {
        return BundleExtra.of(EXTRA, (dir, weightsSha256) -> AtomicFiles.write(dir.resolve(FILE),
                JsonFiles.bytes(json())));
    }

    private ObjectNode json() {
        ObjectNode root = JsonFiles.MAPPER.createObjectNode();
        HEADER.writeTo(root);
        root.set("columns", JsonFiles.MAPPER.valueToTree(new TreeMap<>(columns)));
        ObjectNode catalog = root.putObject("items");
        catalog.set("ids", JsonFiles.MAPPER.valueToTree(items.ids()));
        if (items.labels() != null) {
            catalog.set("labels", JsonFiles.MAPPER.valueToTree(items.labels()));
        }
        catalog.set("features", JsonFiles.MAPPER.valueToTree(items.features()));
        root.set("normalization", JsonFiles.MAPPER.valueToTree(normalization));
        root.set("source", JsonFiles.MAPPER.valueToTree(source));
        root.set("split", JsonFiles.MAPPER.valueToTree(split));
        return root;
    }

    /** Whether the bundle committed in {@code dir} has a {@value #FILE} (bundles trained before it existed do not). */
    public static boolean exists(Path dir) {
        try {
            return BundleIO.files(dir).extras().containsKey(EXTRA);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Reads the {@value #FILE} of the bundle committed in {@code dir}: its header through
     * {@link #HEADER}, then every field, each error naming the file. No such extra is a
     * {@link java.nio.file.NoSuchFileException}.
     */
    public static BundleData load(Path dir) throws IOException {
        return BundleIO.readExtra(dir, EXTRA, (extraDir, weightsSha256) -> loadFile(extraDir.resolve(FILE)));
    }

    private static BundleData loadFile(Path file) throws IOException {
        JsonNode root = JsonFiles.readObject(file, "a bundle's " + FILE + " (a JSON object starting {\"format\": \""
                + HEADER.name() + "\", ...})", BundleFormatException::new);
        HEADER.check(file, root, BundleFormatException::new);
        try {
            JsonNode items = root.path("items");
            String[] ids = strings(items.path("ids"), file, "items.ids");
            String[] labels = items.has("labels") ? strings(items.path("labels"), file, "items.labels") : null;
            Map<String, String[]> features = new LinkedHashMap<>();
            for (var it = items.path("features").fields(); it.hasNext(); ) {
                var e = it.next();
                features.put(e.getKey(), strings(e.getValue(), file, "items.features." + e.getKey()));
            }
            Map<String, Normalization> normalization = new LinkedHashMap<>();
            for (var it = root.path("normalization").fields(); it.hasNext(); ) {
                var e = it.next();
                normalization.put(e.getKey(), JsonFiles.MAPPER.treeToValue(e.getValue(), Normalization.class));
            }
            Map<String, String> columns = JsonFiles.MAPPER.convertValue(root.path("columns"), new TypeReference<>() {
            });
            Map<String, Object> source = JsonFiles.MAPPER.convertValue(root.path("source"), new TypeReference<>() {
            });
            Map<String, Object> split = JsonFiles.MAPPER.convertValue(root.path("split"), new TypeReference<>() {
            });
            return new BundleData(columns == null ? Map.of() : columns, new ItemCatalog(ids, labels, features),
                    normalization, source, split);
        } catch (JsonProcessingException e) {
            throw new BundleFormatException(file, file + ": " + Text.cut(e.getOriginalMessage()), e);
        } catch (IllegalArgumentException e) {
            throw new BundleFormatException(file, file + ": " + Text.cut(e.getMessage()), e);
        }
    }

    private static String[] strings(JsonNode node, Path file, String field) throws BundleFormatException {
        if (!node.isArray()) {
            throw new BundleFormatException(file, file + ": '" + field + "' must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : (ArrayNode) node) {
            if (!n.isTextual()) {
                throw new BundleFormatException(file, file + ": '" + field + "' must hold strings only, not "
                        + Text.cut(n.toString()));
            }
            out.add(n.asText());
        }
        return out.toArray(String[]::new);
    }
}
