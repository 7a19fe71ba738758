package org.recsys4j.onnx;

import static org.recsys4j.onnx.GraphBuilder.intAttr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.io.AtomicFiles;
import org.recsys4j.model.Embeddings;
import org.recsys4j.onnx.GraphBuilder.Dim;
import org.recsys4j.onnx.proto.OnnxProto.GraphProto;
import org.recsys4j.onnx.proto.OnnxProto.ModelProto;
import org.recsys4j.onnx.proto.OnnxProto.OperatorSetIdProto;
import org.recsys4j.onnx.proto.OnnxProto.TensorProto;
import org.recsys4j.spec.TowerSpec;

/**
 * Writes a trained bundle as ONNX models that any ONNX Runtime (Java, C#, C++, Python; CPU or GPU)
 * serves without this library, as the TensorFlow backend's {@code SavedModelExport} does for
 * TensorFlow Serving:
 *
 * <ul>
 *   <li>{@link #retrieval}: raw query ids in (a string tensor named after the query feature, e.g.
 *       {@code user_id}, shape {@code [batch]}); the vocabulary lookup (unknown ids get the OOV
 *       row), the query tower, scores against every indexed candidate, TopK, and the candidates'
 *       identifiers out: {@code identifiers} (string), {@code scores} (float) and
 *       {@code candidate_indices} (int64, positions in the candidate list given at export), all
 *       {@code [batch, k]}, best first, with k fixed at export as in the SavedModel export.
 *   <li>{@link #queryTower} and {@link #candidateTower}: raw ids in, {@code embeddings}
 *       {@code [batch, dim]} out.
 * </ul>
 *
 * <p>A query tower that reads context features (one value per example, such as
 * {@code timestamp_bucket}) takes each as one more string input of that name, one value per query
 * ({@code [batch]}, or {@code [1]} for all), in {@code retrieval.onnx} and {@code query_tower.onnx}.
 * They are optional: each has a default (an initializer of the same name, one empty string,
 * broadcast to the batch) that reads the feature's out-of-vocabulary row, so a client that sends
 * only ids still works. ONNX Runtime's C, C++, C# and Python APIs let a caller feed such an input;
 * its Java API (1.24) accepts only inputs without an initializer, so {@link OnnxInference} and
 * {@link OnnxRetrievalIndex} run the graph with the defaults taken out and feed them themselves
 * (see {@link OnnxModelFile#sessionBytes}).
 *
 * <p>IR version 8 and opset 17 ({@code ai.onnx.ml} opset 3), so ONNX Runtime 1.13 and later and
 * the ONNX 1.12 checker read them. Each model carries the bundle's provenance in its metadata.
 */
public final class OnnxExport {
    public static final long IR_VERSION = 8;
    public static final long OPSET = 17;
    public static final long ML_OPSET = 3;
    /** The tower models' output. */
    public static final String EMBEDDINGS = "embeddings";
    /** The retrieval model's outputs. */
    public static final String SCORES = "scores";
    public static final String IDENTIFIERS = "identifiers";
    /** The results' positions in the candidate list given at export, for joining to a catalogue. */
    public static final String CANDIDATE_INDICES = "candidate_indices";
    /** The inputs of the in-memory scoring model {@link OnnxRetrievalIndex} runs for embeddings. */
    static final String QUERY_EMBEDDINGS = "query_embeddings";
    static final String K = "k";
    static final String CANDIDATE_EMBEDDINGS_T = "candidates/embeddings_transposed";
    static final String CANDIDATE_IDENTIFIERS = "candidates/identifiers";

    private static final String BATCH = "batch";

    private OnnxExport() {
    }

    /**
     * The retrieval model, serialized: raw query ids in, the top {@code k} of {@code candidateIds}
     * out.
     *
     * @param candidateIds the identifiers returned, one per row of {@code candidates}
     * @param candidates the candidate embeddings to score (the index)
     * @param k the number of results per query (fewer when there are fewer candidates)
     */
    public static byte[] retrieval(ModelBundle bundle, List<String> candidateIds, Embeddings candidates, int k) {
        return retrievalModel(bundle, candidateIds, candidates, k).toByteArray();
    }

    /** The query tower alone, serialized: raw query ids in, embeddings out. */
    public static byte[] queryTower(ModelBundle bundle) {
        return towerModel(bundle, bundle.spec().query(), OnnxModelKind.QUERY_TOWER).toByteArray();
    }

    /** The candidate tower alone, serialized: raw candidate ids in, embeddings out. */
    public static byte[] candidateTower(ModelBundle bundle) {
        return towerModel(bundle, bundle.spec().candidate(), OnnxModelKind.CANDIDATE_TOWER).toByteArray();
    }

    /**
     * Writes the three models into {@code dir} as {@code retrieval.onnx}, {@code query_tower.onnx}
     * and {@code candidate_tower.onnx}, each replacing an older file of that name only once it is
     * completely written.
     */
    public static OnnxFiles write(ModelBundle bundle, List<String> candidateIds, Embeddings candidates, int k,
            Path dir) throws IOException {
        Files.createDirectories(dir);
        OnnxFiles files = OnnxFiles.in(dir);
        // every model is built before the first file is replaced, so a failure replaces none
        byte[] retrieval = retrieval(bundle, candidateIds, candidates, k);
        byte[] query = queryTower(bundle);
        byte[] candidate = candidateTower(bundle);
        AtomicFiles.write(files.retrieval(), retrieval);
        AtomicFiles.write(files.queryTower(), query);
        AtomicFiles.write(files.candidateTower(), candidate);
        return files;
    }

    static ModelProto retrievalModel(ModelBundle bundle, List<String> candidateIds, Embeddings candidates, int k) {
        TowerSpec query = bundle.spec().query();
        if (candidateIds.size() != candidates.rows()) {
            throw new IllegalArgumentException(candidateIds.size() + " identifiers for " + candidates.rows()
                    + " candidate embeddings");
        }
        if (candidates.rows() == 0) {
            throw new IllegalArgumentException("no candidates to index");
        }
        if (candidates.dim() != query.outputDim()) {
            throw new IllegalArgumentException("candidates have dimension " + candidates.dim()
                    + " but the query tower '" + query.name() + "' gives " + query.outputDim());
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive, got " + k);
        }
        int topK = Math.min(k, candidates.rows());
        GraphBuilder g = new GraphBuilder("recsys4j_retrieval",
                "Raw " + query.feature() + " values in; the top k of " + candidates.rows() + " candidates out"
                        + " (identifiers and dot-product scores, best first). Unknown ids use the"
                        + " out-of-vocabulary row. k = " + topK + "." + contextDoc(query));
        g.input(query.feature(), TensorProto.DataType.STRING, Dim.named(BATCH));
        checkContextNames(query);
        String q = TowerGraph.add(g, query, bundle.vocabularies(), bundle.weights(), query.feature(),
                QUERY_EMBEDDINGS);
        g.strings(CANDIDATE_IDENTIFIERS, candidateIds, candidateIds.size());
        g.floats(CANDIDATE_EMBEDDINGS_T, transpose(candidates), candidates.dim(), candidates.rows());
        String kConstant = g.int64s("top_k/k", new long[] {topK}, 1);
        addTopK(g, q, kConstant, Dim.of(topK));
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put(OnnxMetadata.FEATURE, query.feature());
        extra.put(OnnxMetadata.DIMENSION, Integer.toString(query.outputDim()));
        extra.put(OnnxMetadata.CANDIDATES, Integer.toString(candidates.rows()));
        extra.put(OnnxMetadata.K, Integer.toString(topK));
        return model(g.build(), true, OnnxMetadata.describe(bundle, OnnxModelKind.RETRIEVAL, extra));
    }

    static ModelProto towerModel(ModelBundle bundle, TowerSpec tower, OnnxModelKind kind) {
        GraphBuilder g = new GraphBuilder("recsys4j_" + kind.id(),
                "Raw " + tower.feature() + " values in; the " + tower.name() + " tower's " + tower.outputDim()
                        + "-dimensional embeddings out. Unknown ids use the out-of-vocabulary row."
                        + contextDoc(tower));
        g.input(tower.feature(), TensorProto.DataType.STRING, Dim.named(BATCH));
        checkContextNames(tower);
        TowerGraph.add(g, tower, bundle.vocabularies(), bundle.weights(), tower.feature(), EMBEDDINGS);
        g.output(EMBEDDINGS, TensorProto.DataType.FLOAT, Dim.named(BATCH), Dim.of(tower.outputDim()));
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put(OnnxMetadata.FEATURE, tower.feature());
        extra.put(OnnxMetadata.DIMENSION, Integer.toString(tower.outputDim()));
        return model(g.build(), true, OnnxMetadata.describe(bundle, kind, extra));
    }

    /**
     * The scoring half of a retrieval model: query embeddings in, top k out, over the same candidate
     * tensors. {@link OnnxRetrievalIndex} runs it for searches by embedding; it is never written.
     */
    static ModelProto scorerModel(ModelProto retrieval, int dim) {
        GraphBuilder g = new GraphBuilder("recsys4j_scorer", "Query embeddings and k in; the top k candidates out.");
        g.input(QUERY_EMBEDDINGS, TensorProto.DataType.FLOAT, Dim.named(BATCH), Dim.of(dim));
        g.input(K, TensorProto.DataType.INT64, Dim.of(1));
        g.initializer(initializer(retrieval, CANDIDATE_IDENTIFIERS));
        g.initializer(initializer(retrieval, CANDIDATE_EMBEDDINGS_T));
        addTopK(g, QUERY_EMBEDDINGS, K, Dim.named(K));
        return model(g.build(), false, Map.of());
    }

    /** Value names of the graphs that a context input, named after its feature, would clash with. */
    private static final java.util.Set<String> RESERVED = java.util.Set.of(EMBEDDINGS, SCORES, IDENTIFIERS,
            CANDIDATE_INDICES, QUERY_EMBEDDINGS, K, "candidate_scores", "score_candidates", "top_k",
            "candidate_identifiers");

    private static void checkContextNames(TowerSpec tower) {
        for (var f : tower.contextFeatures()) {
            if (RESERVED.contains(f.name())) {
                throw new IllegalArgumentException("tower '" + tower.name() + "': context feature '" + f.name()
                        + "' would be an ONNX input of that name, which the exported graph already uses; rename it");
            }
        }
    }

    /** The graph's doc string about its context inputs, if the tower has any. */
    private static String contextDoc(TowerSpec tower) {
        List<String> names = tower.contextFeatures().stream().filter(f -> !f.numeric()).map(f -> f.name()).toList();
        List<String> numeric = tower.contextFeatures().stream().filter(f -> f.numeric()).map(f -> f.name()).toList();
        return (names.isEmpty() ? "" : " Optional context inputs, one value per query (string, [batch]): "
                + String.join(", ", names) + "; left out or unknown, they read their out-of-vocabulary row.")
                + (numeric.isEmpty() ? "" : " Optional numeric inputs, one normalised value per query (float,"
                + " [batch]): " + String.join(", ", numeric) + "; left out, they read 0 (the mean).");
    }

    /** Scores {@code queries} against every candidate, keeps the best k, and names them. */
    private static void addTopK(GraphBuilder g, String queries, String k, Dim kDim) {
        String all = g.node("MatMul", "score_candidates", List.of(queries, CANDIDATE_EMBEDDINGS_T),
                List.of("candidate_scores"));
        // sorted=1 returns the best first; ONNX Runtime breaks equal scores by the lower index,
        // so ties keep the indexing order, as BruteForceIndex does.
        g.node("TopK", "top_k", List.of(all, k), List.of(SCORES, CANDIDATE_INDICES), intAttr("axis", -1),
                intAttr("largest", 1), intAttr("sorted", 1));
        g.node("Gather", "candidate_identifiers", List.of(CANDIDATE_IDENTIFIERS, CANDIDATE_INDICES),
                List.of(IDENTIFIERS), intAttr("axis", 0));
        g.output(IDENTIFIERS, TensorProto.DataType.STRING, Dim.named(BATCH), kDim);
        g.output(SCORES, TensorProto.DataType.FLOAT, Dim.named(BATCH), kDim);
        g.output(CANDIDATE_INDICES, TensorProto.DataType.INT64, Dim.named(BATCH), kDim);
    }

    static ModelProto model(GraphProto graph, boolean ml, Map<String, String> metadata) {
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("recsys4j")
                .setProducerVersion(version())
                .setDomain("org.recsys4j")
                .setModelVersion(1)
                .setDocString(graph.getDocString())
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph);
        if (ml) {
            m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(TowerGraph.ML_DOMAIN).setVersion(ML_OPSET));
        }
        OnnxMetadata.addTo(m, metadata);
        return m.build();
    }

    private static TensorProto initializer(ModelProto model, String name) {
        for (TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getName().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("the retrieval model has no initializer '" + name + "'");
    }

    /** {@code [rows, dim]} to {@code [dim, rows]}, so scoring is one MatMul with no Transpose node. */
    private static float[] transpose(Embeddings e) {
        int n = e.rows();
        int d = e.dim();
        float[] src = e.data();
        float[] t = new float[src.length];
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < d; k++) {
                t[k * n + j] = src[j * d + k];
            }
        }
        return t;
    }

    private static String version() {
        String v = OnnxExport.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }
}
