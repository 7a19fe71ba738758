package org.recsys4j.serving;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.recsys4j.bundle.BundleData;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.bundle.LatestItems;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.bundle.SeenItems;
import org.recsys4j.data.ItemCatalog;
import org.recsys4j.index.BruteForceIndex;
import org.recsys4j.index.Index;
import org.recsys4j.index.ScannIndex;
import org.recsys4j.index.ScannIndexIO;
import org.recsys4j.index.TopK;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Features;
import org.recsys4j.spec.FeatureSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.vocab.StringLookup;

/**
 * One loaded model version, ready to answer (TF Serving's "servable"): the bundle's query tower in
 * plain Java, an index over the candidates, and the seen items if there are any. Immutable once
 * loaded, so requests share it without locks; a reload builds a new one beside it.
 *
 * <p>The candidates are the bundle's ScaNN index's when it has one (saved with the bundle, built
 * for these weights), else the candidate vocabulary (without the OOV slot) embedded by the
 * candidate tower, searched by brute force. The query tower runs in Java: serving needs no native
 * runtime, and there is no native memory to release when a version is unloaded.
 *
 * <p>Retrieval is the only stage today. A ranking model would re-score {@link #retrieve}'s
 * candidates before they are returned: that is where a second stage plugs in.
 */
final class Servable {
    /** Identifiers the query vocabulary offers the web page as examples. */
    private static final int EXAMPLE_QUERIES = 200;
    static final int WARM_UP_SEARCHES = 2_000;
    static final int WARM_UP_SECONDS = 10;

    final long version;
    final ModelBundle bundle;
    final Index index;
    final String indexKind;
    final SeenItems seen;
    /** Each user's latest training item, for a model that reads it as context; null if it does not. */
    private final LatestItems latest;
    /** The text to show for a candidate id (a title), from the bundle's catalog; empty when it has no labels. */
    final Map<String, String> labels;
    final Instant loadedAt = Instant.now();
    private final TowerSpec querySpec;
    private final StringLookup queryVocabulary;
    private final StringLookup candidateVocabulary;
    private final org.recsys4j.model.Tower queryTower;
    private final List<String> candidateIds;
    private final Embeddings candidateEmbeddings;
    /** Context and numeric features of the query tower, by name: a query may give each. */
    private final Map<String, FeatureSpec> contextFeatures = new LinkedHashMap<>();
    /** The first position of each candidate id, built on the first {@code similar}. */
    private volatile Map<String, Integer> positions;

    private Servable(long version, ModelBundle bundle, Index index, String indexKind, List<String> candidateIds,
            Embeddings candidateEmbeddings, SeenItems seen, LatestItems latest, Map<String, String> labels) {
        this.version = version;
        this.labels = labels;
        this.bundle = bundle;
        this.index = index;
        this.indexKind = indexKind;
        this.candidateIds = candidateIds;
        this.candidateEmbeddings = candidateEmbeddings;
        this.seen = seen;
        this.latest = latest;
        this.querySpec = bundle.spec().query();
        this.queryVocabulary = bundle.vocabulary(querySpec);
        this.candidateVocabulary = bundle.vocabulary(bundle.spec().candidate());
        this.queryTower = bundle.javaQueryTower();
        for (FeatureSpec f : querySpec.features()) {
            if (f.fromContext()) {
                contextFeatures.put(f.name(), f);
            }
        }
    }

    /**
     * Loads {@code dir} through the format layer's checks (the bundle, its index, its seen items,
     * or {@code seenFile} instead). Any problem is an exception naming the file.
     */
    static Servable load(long version, Path dir, Path seenFile) throws IOException {
        ModelBundle bundle = BundleIO.load(dir);
        SeenItems seen = seenFile != null ? SeenItems.load(seenFile, bundle)
                : SeenItems.exists(dir) ? SeenItems.load(dir, bundle) : null;
        LatestItems latest = LatestItems.loadIfPresent(dir, bundle);
        Map<String, String> labels = labels(dir);
        if (ScannIndexIO.exists(dir)) {
            ScannIndex scann = ScannIndexIO.load(dir, bundle.javaQueryTower());
            return new Servable(version, bundle, scann, "scann", scann.identifiers(), scann.candidates(), seen,
                    latest, labels);
        }
        List<String> ids = bundle.vocabulary(bundle.spec().candidate()).vocabulary();
        if (ids.isEmpty()) {
            throw new IOException(dir + ": the candidate vocabulary is empty; there is nothing to recommend");
        }
        Embeddings embeddings = bundle.javaCandidateTower().embed(ids.toArray(String[]::new));
        BruteForceIndex brute = new BruteForceIndex().index(ids, embeddings);
        return new Servable(version, bundle, brute, "brute_force", ids, embeddings, seen, latest, labels);
    }

    /**
     * The catalog's labels by id, where the bundle has a catalog with labels ({@code recsys4j train}
     * saves one: movie ids labelled with their titles); the ids that are their own label are left out.
     */
    private static Map<String, String> labels(Path dir) throws IOException {
        if (!BundleData.exists(dir)) {
            return Map.of();
        }
        ItemCatalog items = BundleData.load(dir).items();
        if (items.labels() == null) {
            return Map.of();
        }
        Map<String, String> out = new HashMap<>();
        items.labelById().forEach((id, label) -> {
            if (!label.equals(id)) {
                out.put(id, label);
            }
        });
        return out;
    }

    /**
     * TF Serving's warm-up requests, made up: up to {@value #WARM_UP_SEARCHES} searches (at most
     * {@value #WARM_UP_SECONDS} s) for the query vocabulary's first ids, run on a loaded version
     * before it serves, so that the JIT has compiled the search first. Without them a ScaNN index
     * over a million candidates served its first seconds from unoptimised code (the Vector API's
     * lane-by-lane fallback, a scalar leaf scoring): on a busy 2-core machine, ten times slower.
     * Returns how many ran.
     */
    int warmUp() {
        List<String> ids = queryVocabulary.vocabulary();
        if (ids.isEmpty()) {
            return 0;
        }
        int distinct = Math.min(ids.size(), 200);
        long deadline = System.nanoTime() + WARM_UP_SECONDS * 1_000_000_000L;
        int n = 0;
        while (n < WARM_UP_SEARCHES && System.nanoTime() < deadline) {
            Map<String, Object> query = Map.of(querySpec.feature(), ids.get(n % distinct));
            retrieve(embed(List.of(query)).row(0), 10, Set.of());
            n++;
        }
        return n;
    }

    /** The query tower's input names: its id feature, then its context features. */
    List<String> inputNames() {
        List<String> names = new ArrayList<>();
        names.add(querySpec.feature());
        names.addAll(contextFeatures.keySet());
        return names;
    }

    /** Whether {@code name} is one of {@link #inputNames}, without building the list. */
    boolean isInput(String name) {
        return name.equals(querySpec.feature()) || contextFeatures.containsKey(name);
    }

    String queryFeature() {
        return querySpec.feature();
    }

    boolean isNumeric(String input) {
        FeatureSpec f = contextFeatures.get(input);
        return f != null && f.numeric();
    }

    int candidates() {
        return index.size();
    }

    int dimension() {
        return candidateEmbeddings.dim();
    }

    List<String> exampleQueries() {
        List<String> all = queryVocabulary.vocabulary();
        return all.subList(0, Math.min(EXAMPLE_QUERIES, all.size()));
    }

    /**
     * The query tower's embeddings for a batch of queries: each a map from input name to its value
     * (a string, or a number for a numeric feature); names were checked by the caller.
     */
    Embeddings embed(List<Map<String, Object>> queries) {
        int n = queries.size();
        int[] rows = new int[n];
        Map<String, int[]> categorical = new HashMap<>();
        Map<String, float[]> numeric = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> q = queries.get(i);
            rows[i] = queryVocabulary.index((String) q.get(querySpec.feature()));
            for (FeatureSpec f : contextFeatures.values()) {
                Object v = q.get(f.name());
                if (v == null) {
                    // the user's latest item where the bundle keeps it (--preset temporal); otherwise the
                    // OOV row (or 0, the mean, for a numeric feature), as the exported models do
                    if (latest != null && f.name().equals(latest.feature())) {
                        categorical.computeIfAbsent(f.name(), k -> new int[n])[i] = latest.row(rows[i]);
                    }
                    continue;
                }
                if (f.numeric()) {
                    numeric.computeIfAbsent(f.name(), k -> new float[n])[i] = ((Number) v).floatValue();
                } else {
                    categorical.computeIfAbsent(f.name(), k -> new int[n])[i] =
                            bundle.vocabularies().get(f.name()).index((String) v);
                }
            }
        }
        Features context = Features.categorical(categorical);
        for (var e : numeric.entrySet()) {
            context = context.withValues(e.getKey(), e.getValue());
        }
        return queryTower.embedIndices(rows, context);
    }

    boolean knows(String queryId) {
        return queryVocabulary.contains(queryId);
    }

    /** The first stage: the k best candidates for one query embedding, leaving out {@code exclusions}. */
    TopK retrieve(float[] query, int k, Set<String> exclusions) {
        return index.search(query, k, exclusions);
    }

    /** The candidates {@code queryId} interacted with in training; null when this version has no seen items. */
    Set<String> seenBy(String queryId) {
        if (seen == null) {
            return null;
        }
        int[] rows = seen.rows(queryVocabulary.index(queryId));
        Set<String> out = new HashSet<>(rows.length * 2);
        for (int r : rows) {
            out.add(candidateVocabulary.token(r));
        }
        return out;
    }

    /** The candidates nearest to {@code item}'s own embedding, the item left out; null if it is not a candidate. */
    TopK similar(String item, int k, Set<String> exclusions) {
        Map<String, Integer> byId = positions;
        if (byId == null) {
            byId = new HashMap<>(candidateIds.size() * 2);
            for (int j = candidateIds.size() - 1; j >= 0; j--) {
                byId.put(candidateIds.get(j), j);
            }
            positions = byId;
        }
        Integer at = byId.get(item);
        if (at == null) {
            return null;
        }
        Set<String> leaveOut = new HashSet<>(exclusions);
        leaveOut.add(item);
        int d = candidateEmbeddings.dim();
        float[] e = Arrays.copyOfRange(candidateEmbeddings.data(), at * d, at * d + d);
        return index.search(e, k, leaveOut);
    }
}
