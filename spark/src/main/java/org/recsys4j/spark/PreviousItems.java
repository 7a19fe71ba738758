package org.recsys4j.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.bundle.BundleFormatException;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.bundle.Safetensors;
import org.recsys4j.io.AtomicFiles;
import org.recsys4j.io.FileChecks;
import org.recsys4j.io.FormatHeader;
import org.recsys4j.model.Features;
import org.recsys4j.spec.FeatureSpec;
import org.recsys4j.split.Splits;

/**
 * The query context of {@code queryContext=previousItem} (the command line's {@code --preset
 * temporal}): the item of the user's interaction just before the example, by {@code timestampCol}
 * (ties in the DataFrame's order), as a context feature of the query tower over the item
 * vocabulary, OOV for a user's first interaction. A trained model asks each user's query with the
 * item of that user's latest training interaction, kept here by user row and saved as {@value #FILE}
 * in the bundle's {@code spark} extra.
 */
final class PreviousItems implements Serializable {
    private static final long serialVersionUID = 1L;
    static final String FILE = "previous_items.safetensors";
    static final FormatHeader HEADER = new FormatHeader("recsys4j-spark-previous-items", 1, 1);

    private final String feature;
    /** Per user row, the item row of the user's latest training interaction (0, OOV, for row 0). */
    private final int[] latestByUserRow;

    private PreviousItems(String feature, int[] latestByUserRow) {
        this.feature = feature;
        this.latestByUserRow = latestByUserRow;
    }

    /** The context feature's name for the item feature {@code itemFeature}. */
    static String featureName(String itemFeature) {
        return "previous_" + itemFeature;
    }

    /** The training rows' previous items and each user's latest item, from one ordering. */
    record Computed(int[] perRow, PreviousItems latest) {
    }

    /**
     * For rows of (user row, item row, time): each row's previous item and each user's latest;
     * {@code numUsers} is the user vocabulary's size (OOV row included).
     */
    static Computed compute(String itemFeature, int numUsers, int[] users, int[] items, double[] timestamps) {
        int[] order = Splits.orderByUserAndTime(users, Splits.sortable(timestamps));
        int[] perRow = new int[users.length];
        int[] latest = new int[numUsers];
        for (int k = 0; k < order.length; k++) {
            int r = order[k];
            boolean sameUser = k > 0 && users[order[k - 1]] == users[r];
            perRow[r] = sameUser ? items[order[k - 1]] : 0;
            latest[users[r]] = items[r]; // the last one written is the user's latest
        }
        return new Computed(perRow, new PreviousItems(featureName(itemFeature), latest));
    }

    String feature() {
        return feature;
    }

    /** The query tower's context for these user rows: each user's latest training item. */
    Features context(int[] userRows) {
        int[] rows = new int[userRows.length];
        for (int i = 0; i < rows.length; i++) {
            int u = userRows[i];
            rows[i] = u > 0 && u < latestByUserRow.length ? latestByUserRow[u] : 0;
        }
        return Features.none().withRows(feature, rows);
    }

    /** Writes {@value #FILE} into {@code dir} (the bundle's spark extra), whole or not at all. */
    void writeInto(Path dir) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", HEADER.name());
        meta.put("format_version", Integer.toString(HEADER.newest()));
        meta.put("feature", feature);
        AtomicFiles.write(dir.resolve(FILE),
                out -> Safetensors.writeInt32(out, Map.of("latest_by_user_row", latestByUserRow), meta));
    }

    /**
     * The previous items saved in {@code dir} (the bundle's spark extra), or null when the query
     * tower reads no context; checked against the bundle's query tower and vocabularies.
     */
    static PreviousItems load(Path dir, ModelBundle bundle) throws IOException {
        List<FeatureSpec> context = bundle.spec().query().contextFeatures();
        Path file = dir.resolve(FILE);
        if (context.isEmpty() && !Files.exists(file)) {
            return null;
        }
        FileChecks.requireRegularFile(file, "each user's latest item for the query tower's context " + context
                + " (safetensors)", BundleFormatException::new);
        Map<String, String> meta = Safetensors.metadata(file);
        HEADER.check(file, meta.get("format"), meta.get("format_version"), BundleFormatException::new);
        String feature = meta.get("feature");
        if (context.size() != 1 || !context.get(0).name().equals(feature)) {
            throw bad(file, "it is for the context feature " + feature + ", but the query tower reads " + context);
        }
        int[] latest = Safetensors.readInt32(file).get("latest_by_user_row");
        int users = bundle.vocabulary(bundle.spec().query()).size();
        int items = bundle.vocabulary(bundle.spec().candidate()).size();
        if (latest == null || latest.length != users) {
            throw bad(file, "'latest_by_user_row' must have one entry per user row (" + users + ")");
        }
        for (int u = 0; u < users; u++) {
            if (latest[u] < 0 || latest[u] >= items) {
                throw bad(file, "user row " + u + " has item row " + latest[u] + ", outside 0.." + (items - 1));
            }
        }
        return new PreviousItems(feature, latest);
    }

    private static BundleFormatException bad(Path file, String problem) {
        return new BundleFormatException(file, file + " is not a valid previous-items file: " + problem);
    }
}
