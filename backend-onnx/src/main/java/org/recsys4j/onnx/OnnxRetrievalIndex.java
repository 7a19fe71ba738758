package org.recsys4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.recsys4j.index.Index;
import org.recsys4j.index.TopK;
import org.recsys4j.model.Embeddings;
import org.recsys4j.spi.BackendOptions;

/**
 * An {@link Index} served by an exported retrieval model in ONNX Runtime: raw query ids go in,
 * and the model does the lookup, the query tower, the scoring against every candidate and the
 * top k. The model returns the k it was exported with, so a query may ask for at most that many
 * (excluded candidates counted). Searches by embedding run the model's scoring half, built in
 * memory from the same candidate tensors, with any k. Closing it closes both sessions.
 *
 * <p>A query tower that reads context features (e.g. {@code timestamp_bucket}) takes their raw
 * values next to the ids ({@link #query(List, Map, int)}); queries without them read each
 * feature's out-of-vocabulary row, as the model's defaults give.
 *
 * <pre>{@code
 * try (OnnxRetrievalIndex index = OnnxRetrievalIndex.open(Path.of("models/onnx/retrieval.onnx"),
 *         BackendOptions.none())) {
 *     TopK top3 = index.query("42", 3);
 * }
 * }</pre>
 */
public final class OnnxRetrievalIndex implements Index, AutoCloseable {
    private final OnnxModelFile model;
    private final OrtSessions sessions;
    private final OrtSession retrieval;
    private final OrtSession scorer;
    private final String feature;
    private final int dimension;
    private final List<String> identifiers;
    private final int modelK;
    private final List<ContextInput> context;
    private final List<String> contextFeatures;

    private OnnxRetrievalIndex(OnnxModelFile model, OrtSessions sessions) throws OnnxFormatException {
        this.model = model.expect(OnnxModelKind.RETRIEVAL);
        this.sessions = sessions;
        this.feature = model.feature();
        this.dimension = model.dimension();
        this.identifiers = List.copyOf(model.stringInitializer(OnnxExport.CANDIDATE_IDENTIFIERS));
        this.modelK = model.intMetadata(OnnxMetadata.K);
        this.context = model.contextInputDefaults();
        this.contextFeatures = ContextInput.names(context);
        OrtSession r = sessions.open(model);
        try {
            this.scorer = sessions.open(OnnxExport.scorerModel(model.model(), dimension).toByteArray(),
                    "the scoring half of " + model.origin(), model.file());
        } catch (OnnxFormatException | RuntimeException e) {
            OrtSessions.close(r);
            throw e;
        }
        this.retrieval = r;
    }

    /** Opens an exported {@code retrieval.onnx}. */
    public static OnnxRetrievalIndex open(Path retrievalModel, BackendOptions options) throws IOException {
        return new OnnxRetrievalIndex(OnnxModelFile.read(retrievalModel), OrtSessions.from(options));
    }

    @Override
    public int size() {
        return identifiers.size();
    }

    /** The candidate identifiers, in the model's order. */
    public List<String> identifiers() {
        return identifiers;
    }

    /** The k the retrieval model was exported with: the most a raw-id query can return. */
    public int modelK() {
        return modelK;
    }

    /** The raw-id input, e.g. {@code user_id}. */
    public String feature() {
        return feature;
    }

    /** The optional context inputs the query tower reads, e.g. {@code timestamp_bucket}; often none. */
    public List<String> contextFeatures() {
        return contextFeatures;
    }

    public String placement() {
        return sessions.describe();
    }

    @Override
    public TopK query(String rawQuery, int k, Set<String> exclusions) {
        return query(rawQuery, Map.of(), k, exclusions);
    }

    /**
     * The top k for a raw query id in its context (raw values by feature name; a feature left out
     * reads its OOV row), leaving out {@code exclusions}.
     */
    public TopK query(String rawQuery, Map<String, String> context, int k, Set<String> exclusions) {
        if (rawQuery == null) {
            throw new IllegalArgumentException("the " + feature + " to query is null");
        }
        Map<String, List<String>> columns = new LinkedHashMap<>();
        context.forEach((name, value) -> columns.put(name, java.util.Collections.singletonList(value)));
        String[] ids = {rawQuery};
        Map<String, String[]> ctx = contextColumns(columns, 1);
        checkModelK(k, exclusions);
        return keep(runRetrieval(ids, ctx).get(0), k, exclusions);
    }

    /** The top k for each raw query id, in one run of the model. */
    public List<TopK> query(List<String> rawQueries, int k) {
        return query(rawQueries, Map.of(), k);
    }

    /**
     * The top k for each raw query id with its context: per context feature, one raw value per
     * query (a feature left out reads its OOV row, as do unknown values), in one run of the model.
     */
    public List<TopK> query(List<String> rawQueries, Map<String, List<String>> context, int k) {
        String[] ids = rawQueries.toArray(String[]::new);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == null) {
                throw new IllegalArgumentException(feature + " value " + i + " is null");
            }
        }
        Map<String, String[]> ctx = contextColumns(context, ids.length);
        checkModelK(k, Set.of());
        if (ids.length == 0) {
            return List.of();
        }
        List<TopK> out = new ArrayList<>(ids.length);
        for (TopK top : runRetrieval(ids, ctx)) {
            out.add(keep(top, k, Set.of()));
        }
        return out;
    }

    /** The context given, checked: only features the model reads, one non-null value per query. */
    private Map<String, String[]> contextColumns(Map<String, List<String>> context, int n) {
        Map<String, String[]> out = new LinkedHashMap<>();
        for (var e : context.entrySet()) {
            if (!contextFeatures.contains(e.getKey())) {
                throw new IllegalArgumentException(model.origin() + " takes no context feature '" + e.getKey()
                        + "'; it takes " + (contextFeatures.isEmpty() ? "none" : contextFeatures));
            }
            String[] values = e.getValue().toArray(String[]::new);
            if (values.length != n) {
                throw new IllegalArgumentException(e.getKey() + " has " + values.length + " values for " + n
                        + " queries");
            }
            for (int i = 0; i < values.length; i++) {
                if (values[i] == null) {
                    throw new IllegalArgumentException(e.getKey() + " value " + i + " is null");
                }
            }
            out.put(e.getKey(), values);
        }
        return out;
    }

    @Override
    public TopK search(float[] query, int k, Set<String> exclusions) {
        checkDimension(query.length);
        int kk = widen(k, exclusions);
        try (OnnxTensor in = OnnxTensor.createTensor(OrtSessions.environment(), FloatBuffer.wrap(query),
                new long[] {1, dimension})) {
            return keep(runScorer(in, 1, kk).get(0), k, exclusions);
        } catch (OrtException e) {
            throw failed(e);
        }
    }

    @Override
    public List<TopK> search(Embeddings queries, int k) {
        checkDimension(queries.dim());
        if (queries.rows() == 0) {
            return List.of();
        }
        int kk = widen(k, Set.of());
        try (OnnxTensor in = OnnxTensor.createTensor(OrtSessions.environment(), FloatBuffer.wrap(queries.data()),
                new long[] {queries.rows(), dimension})) {
            return runScorer(in, queries.rows(), kk);
        } catch (OrtException e) {
            throw failed(e);
        }
    }

    /** How many results to ask for: k, plus room for the excluded candidates, at most all of them. */
    private int widen(int k, Set<String> exclusions) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive, got " + k);
        }
        long excluded = exclusions.isEmpty() ? 0 : identifiers.stream().filter(exclusions::contains).count();
        return (int) Math.min(identifiers.size(), k + excluded);
    }

    /** The model's fixed top k must hold the k asked for even after exclusions, or the answer could be wrong. */
    private void checkModelK(int k, Set<String> exclusions) {
        int needed = widen(k, exclusions);
        if (needed > modelK) {
            throw new IllegalArgumentException(model.origin() + " returns the top " + modelK + " (the k it was"
                    + " exported with); " + k + " results" + (needed > k ? " with " + (needed - k) + " excluded" : "")
                    + " need the top " + needed + ". Export with a larger k.");
        }
    }

    /** The first k results that are not excluded. */
    private static TopK keep(TopK top, int k, Set<String> exclusions) {
        if (exclusions.isEmpty() && top.size() <= k) {
            return top;
        }
        List<String> ids = new ArrayList<>(k);
        float[] all = top.scores();
        float[] scores = new float[Math.min(k, all.length)];
        for (int i = 0; i < all.length && ids.size() < k; i++) {
            String id = top.identifiers().get(i);
            if (!exclusions.contains(id)) {
                scores[ids.size()] = all[i];
                ids.add(id);
            }
        }
        return new TopK(ids, Arrays.copyOf(scores, ids.size()));
    }

    private List<TopK> runRetrieval(String[] ids, Map<String, String[]> context) {
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
            inputs.put(feature, OnnxTensor.createTensor(OrtSessions.environment(), ids, new long[] {ids.length}));
            inputs.putAll(ContextInput.tensors(this.context, context, ids.length));
            try (OrtSession.Result result = retrieval.run(inputs)) {
                return topK(result, ids.length, modelK);
            }
        } catch (OrtException e) {
            throw failed(e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private List<TopK> runScorer(OnnxTensor queries, int n, int k) throws OrtException {
        try (OnnxTensor kTensor = OnnxTensor.createTensor(OrtSessions.environment(), LongBuffer.wrap(new long[] {k}),
                new long[] {1});
                OrtSession.Result result = scorer.run(Map.of(OnnxExport.QUERY_EMBEDDINGS, queries, OnnxExport.K,
                        kTensor))) {
            return topK(result, n, k);
        }
    }

    /**
     * Results from the model's scores and candidate indices; the identifiers come from this index's
     * copy of the model's candidate list, because turning ONNX Runtime's string output into Java
     * strings took as long as the model itself for a batch of 4,096 (40,960 JNI strings).
     */
    private List<TopK> topK(OrtSession.Result result, int n, int k) {
        float[] scores = new float[n * k];
        long[] rows = new long[n * k];
        ((OnnxTensor) result.get(OnnxExport.SCORES).orElseThrow()).getFloatBuffer().get(scores);
        ((OnnxTensor) result.get(OnnxExport.CANDIDATE_INDICES).orElseThrow()).getLongBuffer().get(rows);
        List<TopK> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String[] ids = new String[k];
            for (int j = 0; j < k; j++) {
                ids[j] = identifiers.get((int) rows[i * k + j]);
            }
            out.add(new TopK(Arrays.asList(ids), Arrays.copyOfRange(scores, i * k, (i + 1) * k)));
        }
        return out;
    }

    private void checkDimension(int dim) {
        if (dim != dimension) {
            throw new IllegalArgumentException("query has dimension " + dim + ", the model's candidates " + dimension);
        }
    }

    private RuntimeException failed(OrtException e) {
        return new IllegalStateException("ONNX Runtime failed to run " + model.origin() + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        try {
            OrtSessions.close(scorer);
        } finally {
            OrtSessions.close(retrieval);
        }
    }

    @Override
    public String toString() {
        return "OnnxRetrievalIndex[" + model.origin() + ", " + identifiers.size() + " candidates]";
    }
}
