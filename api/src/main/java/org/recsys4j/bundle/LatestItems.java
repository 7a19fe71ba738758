package org.recsys4j.bundle;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.recsys4j.data.CategoricalColumn;
import org.recsys4j.io.AtomicFiles;
import org.recsys4j.io.Checksums;
import org.recsys4j.io.FileChecks;
import org.recsys4j.io.FormatHeader;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Features;
import org.recsys4j.model.Tower;
import org.recsys4j.spec.FeatureSpec;
import org.recsys4j.split.Split;
import org.recsys4j.split.Splits;
import org.recsys4j.vocab.StringLookup;

/**
 * Each query's latest training item, for a model whose query tower reads the user's previous item
 * as a context feature ({@code --preset temporal}: {@code previous_<candidate-id>}). The model was
 * evaluated with that context; asked for a user's recommendations later, it needs the same, and
 * a client cannot be expected to know the user's history. So the bundle keeps, per query
 * vocabulary row, the row of the context feature's vocabulary that was the user's latest training
 * interaction (by time, ties in file order), and recommending and serving fill the feature from it
 * when the query does not give it. Row 0 (OOV) where the user has no training interaction.
 *
 * <p>Saved as {@value #FILE} in the bundle's extra {@value #EXTRA} ({@link #inBundle()}): a
 * safetensors file with one {@code I32} tensor, {@code rows}, and metadata naming the format, the
 * query feature, the context feature, and a SHA-256 over both vocabularies, which {@link #load}
 * checks against the bundle it serves with.
 */
public final class LatestItems {
    public static final String FILE = "latest_items.safetensors";
    /** The extra's name in a bundle's {@code model.json}, and the stem of its directories. */
    public static final String EXTRA = "latest_items";
    /** Format name and versions read, in the file's metadata ({@code format}, {@code format_version}). */
    public static final FormatHeader HEADER = new FormatHeader("recsys4j-latest-items", 1, 1);

    private final String queryFeature;
    private final String feature;
    private final String vocabulariesSha256;
    private final int[] rows;

    private LatestItems(String queryFeature, String feature, String vocabulariesSha256, int[] rows) {
        this.queryFeature = queryFeature;
        this.feature = feature;
        this.vocabulariesSha256 = vocabulariesSha256;
        this.rows = rows;
    }

    /**
     * For {@code bundle}'s query tower and its categorical context feature {@code feature}: query
     * vocabulary row {@code queryRows[i]}'s latest item is row {@code featureRows[i]} of the
     * feature's vocabulary. A query row given twice keeps its last entry.
     */
    public static LatestItems of(ModelBundle bundle, String feature, int[] queryRows, int[] featureRows) {
        if (queryRows.length != featureRows.length) {
            throw new IllegalArgumentException(queryRows.length + " query rows for " + featureRows.length
                    + " item rows");
        }
        FeatureSpec f = contextFeature(bundle, feature);
        if (f == null) {
            throw new IllegalArgumentException(noSuchFeature(feature));
        }
        int featureSize = f.vocabularySize();
        int[] rows = new int[bundle.vocabulary(bundle.spec().query()).size()];
        for (int i = 0; i < queryRows.length; i++) {
            if (queryRows[i] < 0 || queryRows[i] >= rows.length || featureRows[i] < 0
                    || featureRows[i] >= featureSize) {
                throw new IllegalArgumentException("query row " + queryRows[i] + " or item row " + featureRows[i]
                        + " is outside its vocabulary (" + rows.length + " queries, " + featureSize + " items)");
            }
            rows[queryRows[i]] = featureRows[i];
        }
        rows[0] = 0; // the unknown user has no history
        return new LatestItems(bundle.spec().query().feature(), feature, vocabulariesSha256(bundle, feature), rows);
    }

    /**
     * For {@code bundle}'s query tower and its context feature {@code feature}: each user's latest
     * training interaction ({@link Splits#latestTrainingRow}: by time, ties in table order, only the
     * training rows of {@code split}) from a table's query column, item column and timestamps,
     * looked up in the bundle's query vocabulary and the feature's. What the command line's and the
     * tutorial's temporal models save for {@code recommend} and {@code serve} to ask a user with.
     */
    public static LatestItems ofTraining(ModelBundle bundle, String feature, CategoricalColumn queries,
            CategoricalColumn items, double[] timestamps, Split split) {
        StringLookup featureVocabulary = bundle.vocabularies().get(feature);
        if (contextFeature(bundle, feature) == null || featureVocabulary == null) {
            throw new IllegalArgumentException(noSuchFeature(feature));
        }
        int[] latest = Splits.latestTrainingRow(queries.codes(), Splits.sortable(timestamps), split);
        StringLookup queryVocabulary = bundle.vocabulary(bundle.spec().query());
        int[] queryRows = new int[latest.length];
        int[] featureRows = new int[latest.length];
        for (int code = 0; code < latest.length; code++) {
            if (latest[code] >= 0) { // else a dictionary value no row uses: row 0 keeps row 0
                queryRows[code] = queryVocabulary.index(queries.dictionary()[code]);
                featureRows[code] = featureVocabulary.index(items.value(latest[code]));
            }
        }
        return of(bundle, feature, queryRows, featureRows);
    }

    /** The context feature this fills, e.g. {@code previous_item_id}. */
    public String feature() {
        return feature;
    }

    /** The feature's vocabulary row of query row {@code queryRow}'s latest item (0, OOV, if none). */
    public int row(int queryRow) {
        return queryRow > 0 && queryRow < rows.length ? rows[queryRow] : 0;
    }

    /** {@code context} with this feature added for the queries {@code queryRows}, unless it has it. */
    public Features fill(int[] queryRows, Features context) {
        Features base = context == null ? Features.none() : context;
        if (base.has(feature)) {
            return base;
        }
        int[] out = new int[queryRows.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = row(queryRows[i]);
        }
        return base.withRows(feature, out);
    }

    /** {@code tower} asking every query with its latest item, unless the context already names one. */
    public Tower around(Tower tower) {
        LatestItems latest = this;
        return new Tower() {
            @Override
            public String feature() {
                return tower.feature();
            }

            @Override
            public int dimension() {
                return tower.dimension();
            }

            @Override
            public StringLookup vocabulary() {
                return tower.vocabulary();
            }

            @Override
            public Embeddings embedIndices(int[] queryRows) {
                return tower.embedIndices(queryRows, latest.fill(queryRows, null));
            }

            @Override
            public Embeddings embedIndices(int[] queryRows, Features context) {
                return tower.embedIndices(queryRows, latest.fill(queryRows, context));
            }
        };
    }

    /**
     * {@code tower}, the query tower of {@code bundle} committed in {@code bundleDir}, asking each
     * query with its latest item where the bundle keeps them; {@code tower} itself otherwise.
     */
    public static Tower askedWithLatest(Path bundleDir, ModelBundle bundle, Tower tower) throws IOException {
        LatestItems latest = loadIfPresent(bundleDir, bundle);
        return latest == null ? tower : latest.around(tower);
    }

    /** Writes itself into a bundle being saved: {@code BundleIO.save(bundle, dir, latest.inBundle())}. */
    public BundleExtra inBundle() {
        return BundleExtra.of(EXTRA, (dir, weightsSha256) ->
                AtomicFiles.write(dir.resolve(FILE), this::write));
    }

    private void write(OutputStream out) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", HEADER.name());
        meta.put("format_version", Integer.toString(HEADER.newest()));
        meta.put("query_feature", queryFeature);
        meta.put("feature", feature);
        meta.put("vocabularies_sha256", vocabulariesSha256);
        Safetensors.writeInt32(out, Map.of("rows", rows), meta);
    }

    /** Whether the bundle committed in {@code bundleDir} has latest items. */
    public static boolean exists(Path bundleDir) {
        try {
            return BundleIO.files(bundleDir).extras().containsKey(EXTRA);
        } catch (IOException e) {
            return false;
        }
    }

    /** The latest items of {@code bundle}, committed with it in {@code bundleDir}, or null if it has none. */
    public static LatestItems loadIfPresent(Path bundleDir, ModelBundle bundle) throws IOException {
        return exists(bundleDir) ? load(bundleDir, bundle) : null;
    }

    /**
     * Reads the latest items of the bundle committed in {@code bundleDir} and checks them against
     * {@code bundle}: format, features, vocabularies, one row per query, rows within the feature's
     * vocabulary. Any problem is an error naming the file.
     */
    public static LatestItems load(Path bundleDir, ModelBundle bundle) throws IOException {
        return BundleIO.readExtra(bundleDir, EXTRA, (dir, weightsSha256) -> loadFile(dir.resolve(FILE), bundle));
    }

    private static LatestItems loadFile(Path file, ModelBundle bundle) throws IOException {
        FileChecks.requireRegularFile(file, "a latest-items file (safetensors)", BundleFormatException::new);
        Map<String, String> meta = Safetensors.metadata(file);
        HEADER.check(file, meta.get("format"), meta.get("format_version"), BundleFormatException::new);
        String q = bundle.spec().query().feature();
        String feature = meta.get("feature");
        if (!q.equals(meta.get("query_feature")) || feature == null) {
            throw bad(file, "it gives '" + meta.get("feature") + "' for queries by '" + meta.get("query_feature")
                    + "', but the model's queries are by '" + q + "'");
        }
        FeatureSpec f = contextFeature(bundle, feature);
        if (f == null) {
            throw bad(file, noSuchFeature(feature));
        }
        if (!vocabulariesSha256(bundle, feature).equals(meta.get("vocabularies_sha256"))) {
            throw bad(file, "it was written for other vocabularies than this model's (vocabularies_sha256 differs)");
        }
        Map<String, int[]> tensors = Safetensors.readInt32(file);
        int[] rows = tensors.get("rows");
        int nq = bundle.vocabulary(bundle.spec().query()).size();
        if (rows == null || tensors.size() != 1 || rows.length != nq) {
            throw bad(file, "it must hold exactly one tensor 'rows' of " + nq + " entries (one per query row), not "
                    + tensors.keySet() + (rows == null ? "" : " of " + rows.length));
        }
        for (int r = 0; r < nq; r++) {
            if (rows[r] < 0 || rows[r] >= f.vocabularySize()) {
                throw bad(file, "query row " + r + " has item row " + rows[r] + ", outside 0.."
                        + (f.vocabularySize() - 1));
            }
        }
        return new LatestItems(q, feature, meta.get("vocabularies_sha256"), rows);
    }

    /** The query tower's categorical context feature {@code name}, or null if it has none. */
    private static FeatureSpec contextFeature(ModelBundle bundle, String name) {
        for (FeatureSpec f : bundle.spec().query().features()) {
            if (f.name().equals(name) && f.fromContext() && !f.numeric()) {
                return f;
            }
        }
        return null;
    }

    private static String noSuchFeature(String name) {
        return "the model's query tower has no categorical context feature '" + name + "'";
    }

    private static BundleFormatException bad(Path file, String problem) {
        return new BundleFormatException(file, file + " is not a valid latest-items file: " + problem);
    }

    /** A SHA-256 over the query vocabulary and the context feature's, in order, one token a line. */
    private static String vocabulariesSha256(ModelBundle bundle, String feature) {
        MessageDigest md = Checksums.sha256();
        StringLookup featureVocabulary = bundle.vocabularies().get(feature);
        for (StringLookup v : new StringLookup[] {bundle.vocabulary(bundle.spec().query()), featureVocabulary}) {
            if (v != null) {
                for (String token : v.vocabulary()) {
                    md.update(token.getBytes(StandardCharsets.UTF_8));
                    md.update((byte) '\n');
                }
            }
            md.update((byte) 0);
        }
        return Checksums.hex(md);
    }
}
