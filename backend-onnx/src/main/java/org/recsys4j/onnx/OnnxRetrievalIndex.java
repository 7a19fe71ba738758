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

    private OnnxRetrievalIndex(OnnxModelFile model, OrtSessions sessions) throws OnnxFormatException {
        this.model = model.expect(OnnxModelKind.RETRIEVAL);
        this.sessions = sessions;
        this.feature = model.feature();
        this.dimension = model.dimension();
        this.identifiers = List.copyOf(model.stringInitializer(OnnxExport.CANDIDATE_IDENTIFIERS));
        this.modelK = model.intMetadata(OnnxMetadata.K);
        OrtSession r = sessions.open(model);
        try {
            this.scorer = sessions.open(OnnxExport.scorerModel(model.model(), dimension).toByteArray(),
                    "the scoring half of " + model.origin());
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

    public String placement() {
        return sessions.describe();
    }

    @Override
    public TopK query(String rawQuery, int k, Set<String> exclusions) {
        if (rawQuery == null) {
            throw new IllegalArgumentException("the " + feature + " to query is null");
        }
        checkModelK(k, exclusions);
        return keep(runRetrieval(new String[] {rawQuery}).get(0), k, exclusions);
    }

    /** The top k for each raw query id, in one run of the model. */
    public List<TopK> query(List<String> rawQueries, int k) {
        String[] ids = rawQueries.toArray(String[]::new);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == null) {
                throw new IllegalArgumentException(feature + " value " + i + " is null");
            }
        }
        checkModelK(k, Set.of());
        if (ids.length == 0) {
            return List.of();
        }
        List<TopK> out = new ArrayList<>(ids.length);
        for (TopK top : runRetrieval(ids)) {
            out.add(keep(top, k, Set.of()));
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

    private List<TopK> runRetrieval(String[] ids) {
        try (OnnxTensor in = OnnxTensor.createTensor(OrtSessions.environment(), ids, new long[] {ids.length});
                OrtSession.Result result = retrieval.run(Map.of(feature, in))) {
            return topK(result, ids.length, modelK);
        } catch (OrtException e) {
            throw failed(e);
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
