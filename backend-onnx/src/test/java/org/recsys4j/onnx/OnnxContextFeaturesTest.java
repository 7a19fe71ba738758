package org.recsys4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.index.BruteForceIndex;
import org.recsys4j.index.TopK;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Features;
import org.recsys4j.model.Tower;
import org.recsys4j.onnx.proto.OnnxProto.ModelProto;
import org.recsys4j.onnx.proto.OnnxProto.TensorProto;
import org.recsys4j.onnx.proto.OnnxProto.ValueInfoProto;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.Inference;
import org.recsys4j.testing.FeatureCase;
import org.recsys4j.vocab.StringLookup;

/**
 * Towers that read features besides the id, exported: derived features folded into the id's table,
 * the query's context feature ("bucket") an optional string input of its own, its numeric feature
 * ("score") an optional float input (default 0). With and without the context, ONNX Runtime gives
 * the Java reference tower's embeddings.
 */
class OnnxContextFeaturesTest {
    private static final double TOLERANCE = 1e-5;
    private static final String BUCKET = "bucket";
    private static final String SCORE = "score";

    @TempDir
    Path tmp;

    private final FeatureCase fc = FeatureCase.random(7, RetrievalTaskSpec.defaults());
    private final ModelBundle bundle = fc.bundle();
    private final StringLookup users = bundle.vocabulary(bundle.spec().query());
    private final StringLookup buckets = bundle.vocabularies().get(BUCKET);
    private final List<String> items = bundle.vocabulary(bundle.spec().candidate()).vocabulary();
    private final Embeddings candidates = bundle.javaCandidateTower().embed(items.toArray(String[]::new));

    /** Every user row (OOV and the one without tags included) in every bucket row (OOV included). */
    private int[][] grid() {
        int n = users.size() * buckets.size();
        int[] u = new int[n];
        int[] b = new int[n];
        for (int i = 0; i < n; i++) {
            u[i] = i / buckets.size();
            b[i] = i % buckets.size();
        }
        return new int[][] {u, b};
    }

    @Test
    void towersGiveTheJavaTowersEmbeddingsWithAndWithoutContext() throws Exception {
        OnnxFiles files = OnnxExport.write(bundle, items, candidates, 10, tmp);
        try (OnnxInference onnx = OnnxInference.open(files, BackendOptions.none());
                Inference inMemory = new OnnxBackend().inference(bundle, BackendOptions.none())) {
            for (Inference inference : List.of(onnx, inMemory)) {
                assertMatchesJava(inference);
            }
        }
    }

    private void assertMatchesJava(Inference inference) {
        Tower java = bundle.javaQueryTower();
        Tower ort = inference.queryTower();
        assertEquals(Map.of(BUCKET, buckets), ((OrtTower) ort).contextVocabularies(),
                "the context vocabulary read back from the model is the bundle's");

        // the case's batch, with its context and without
        assertClose(java.embedIndices(fc.users(), fc.context()), ort.embedIndices(fc.users(), fc.context()));
        assertClose(java.embedIndices(fc.users()), ort.embedIndices(fc.users()));
        assertClose(java.embedIndices(fc.users(), Features.none().withRows(BUCKET, new int[fc.users().length])),
                ort.embedIndices(fc.users()));

        // every (user, bucket) pair, OOV rows included; features the tower does not read are ignored
        int[][] g = grid();
        Features context = Features.none().withRows(BUCKET, g[1]).withRows("item", new int[g[0].length]);
        assertClose(java.embedIndices(g[0], context), ort.embedIndices(g[0], context));
        double contextMatters = java.embedIndices(g[0], context).maxAbsDifference(java.embedIndices(g[0]));
        assertTrue(contextMatters > 1e-3, "the bucket changes the query embedding (by " + contextMatters + ")");

        // the numeric feature alone, and with the bucket: its value counts, and 0 is the default
        Features scoreOnly = Features.none().withValues(SCORE, fc.context().values(SCORE));
        assertClose(java.embedIndices(fc.users(), scoreOnly), ort.embedIndices(fc.users(), scoreOnly));
        assertClose(java.embedIndices(fc.users(), Features.none().withValues(SCORE, new float[fc.users().length])),
                ort.embedIndices(fc.users()));
        double scoreMatters = java.embedIndices(fc.users(), scoreOnly).maxAbsDifference(java.embedIndices(fc.users()));
        assertTrue(scoreMatters > 1e-3, "the score changes the query embedding (by " + scoreMatters + ")");
        assertEquals(Set.of(SCORE), ((OrtTower) ort).numericInputs());

        // raw strings, an unknown bucket value and a missing feature read the OOV row
        String[] ids = {"u1", "u3", "nobody", "u7"};
        String[] raw = {"b2", "b0", "b5", "no such bucket"};
        assertClose(java.embedIndices(users.lookup(ids), Features.none().withRows(BUCKET, buckets.lookup(raw))),
                ((OrtTower) ort).embed(ids, Map.of(BUCKET, raw)));
        // a numeric value as a decimal string
        String[] rawScore = {"0.5", "-1.25", "3", "0"};
        assertClose(java.embedIndices(users.lookup(ids), Features.none().withRows(BUCKET, buckets.lookup(raw))
                .withValues(SCORE, new float[] {0.5f, -1.25f, 3f, 0f})),
                ((OrtTower) ort).embed(ids, Map.of(BUCKET, raw, SCORE, rawScore)));
        assertClose(java.embed(ids), ort.embed(ids));
        // a value that is no finite number is refused, not turned into an embedding of NaNs
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class, () -> ((OrtTower) ort).embed(ids,
                Map.of(SCORE, new String[] {"0.5", "1", "NaN", "2"})));
        assertEquals("numeric feature 'score' value 2 must be a decimal number, got 'NaN'", nan.getMessage());

        // the candidate tower's derived feature is folded into its table
        String[] all = items.toArray(String[]::new);
        assertClose(bundle.javaCandidateTower().embed(all), inference.candidateTower().embed(all));

        assertThrows(IllegalArgumentException.class,
                () -> ort.embedIndices(new int[] {1, 2}, Features.none().withRows(BUCKET, new int[] {1})));
        assertThrows(IndexOutOfBoundsException.class,
                () -> ort.embedIndices(new int[] {1}, Features.none().withRows(BUCKET, new int[] {buckets.size()})));
        assertThrows(IllegalArgumentException.class,
                () -> ((OrtTower) ort).embed(new String[] {"u1"}, Map.of("weekday", new String[] {"mon"})));
    }

    @Test
    void theContextIsAnOptionalInputAndOnlyDerivedFeaturesAreFolded() throws Exception {
        OnnxFiles files = OnnxExport.write(bundle, items, candidates, 10, tmp);
        for (OnnxModelKind kind : OnnxFiles.KINDS) {
            ModelProto m = ModelProto.parseFrom(Files.readAllBytes(files.get(kind)));
            OnnxModelFile file = OnnxModelFile.read(files.get(kind));
            boolean query = kind != OnnxModelKind.CANDIDATE_TOWER;
            List<String> inputs = m.getGraph().getInputList().stream().map(ValueInfoProto::getName).toList();
            assertEquals(query ? List.of("user_id", BUCKET, SCORE) : List.of("item"), inputs, kind.id());
            assertEquals(query ? "user_id" : "item", file.feature(), "the one required input");
            assertEquals(query ? List.of(BUCKET, SCORE) : List.of(), file.contextInputs());
            Map<String, TensorProto> initializers = new HashMap<>();
            m.getGraph().getInitializerList().forEach(t -> initializers.put(t.getName(), t));
            if (query) {
                TensorProto fallback = initializers.get(BUCKET);
                assertEquals(List.of(1L), fallback.getDimsList(), "one default value, broadcast to the batch");
                assertEquals("", fallback.getStringData(0).toStringUtf8());
                assertTrue(initializers.containsKey("query/bucket/embedding"));
                TensorProto zero = initializers.get(SCORE);
                assertEquals(TensorProto.DataType.FLOAT.getNumber(), zero.getDataType());
                assertEquals(List.of(1L), zero.getDimsList(), "one default value, broadcast to the batch");
                assertEquals(List.of(0f), zero.getFloatDataList());
                assertTrue(initializers.containsKey("query/score/embedding"));
                ContextInput numeric = file.contextInput(SCORE);
                assertTrue(numeric.numeric());
                assertArrayEquals(new float[] {0f}, numeric.defaultNumbers());
                assertTrue(initializers.containsKey("query/embedding_with_features"), "tags folded with the id");
                assertEquals(buckets, file.vocabulary(BUCKET));
                assertEquals(users, file.vocabulary());
            } else {
                assertTrue(initializers.containsKey("candidate/embedding_with_features"));
            }
        }
    }

    @Test
    void theFoldedTableHoldsTheIdAndDerivedFeaturesOnly() throws Exception {
        ModelProto m = ModelProto.parseFrom(OnnxExport.queryTower(bundle));
        TensorProto folded = m.getGraph().getInitializerList().stream()
                .filter(t -> t.getName().equals("query/embedding_with_features")).findFirst().orElseThrow();
        float[] table = new float[folded.getRawData().size() / Float.BYTES];
        folded.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(table);
        int d = bundle.spec().query().embeddingDim();
        float[] id = bundle.weights().get("query/embedding").data();
        float[] tags = bundle.weights().get("query/tags/embedding").data();
        // row 3 has no tags: exactly the id's embedding, without the bucket's OOV row
        assertArrayEquals(Arrays.copyOfRange(id, 3 * d, 4 * d), Arrays.copyOfRange(table, 3 * d, 4 * d));
        int[] t1 = bundle.spec().query().features().stream().filter(f -> f.name().equals("tags")).findFirst()
                .orElseThrow().valuesByIdRow()[1];
        float[] row1 = Arrays.copyOfRange(id, d, 2 * d);
        for (int k = 0; k < d; k++) {
            for (int v : t1) {
                row1[k] += tags[v * d + k] / t1.length;
            }
        }
        assertArrayEquals(row1, Arrays.copyOfRange(table, d, 2 * d), 1e-6f);
    }

    @Test
    void aClientThatSendsOnlyIdsGetsTheDefaultContext() throws Exception {
        OnnxFiles files = OnnxExport.write(bundle, items, candidates, 10, tmp);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        String[] ids = {"u0", "u5", "u3", "nobody"};
        try (OrtSession session = env.createSession(files.queryTower().toString());
                OnnxTensor in = OnnxTensor.createTensor(env, ids, new long[] {ids.length});
                OrtSession.Result idsOnly = session.run(Map.of("user_id", in))) {
            assertClose(bundle.javaQueryTower().embed(ids), embeddings(idsOnly, ids.length));
            // ONNX Runtime's Java API lists (and accepts) only the inputs without a default, which
            // is why OrtTower runs the graph with the defaults taken out and feeds them itself
            assertEquals(Set.of("user_id"), session.getInputNames());
        }
        try (OrtSession session = env.createSession(files.retrieval().toString());
                OnnxTensor in = OnnxTensor.createTensor(env, ids, new long[] {ids.length});
                OrtSession.Result top = session.run(Map.of("user_id", in))) {
            List<TopK> expected = new BruteForceIndex(bundle.javaQueryTower()).index(items, candidates)
                    .search(bundle.javaQueryTower().embed(ids), 10);
            String[][] identifiers = (String[][]) top.get(OnnxExport.IDENTIFIERS).orElseThrow().getValue();
            for (int i = 0; i < ids.length; i++) {
                assertEquals(expected.get(i).identifiers(), List.of(identifiers[i]), ids[i]);
            }
        }
    }

    @Test
    void oneContextValueMayStandForTheWholeBatch() throws Exception {
        OnnxModelFile file = OnnxModelFile.of(OnnxExport.towerModel(bundle, bundle.spec().query(),
                OnnxModelKind.QUERY_TOWER), "test");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        String[] ids = {"u0", "u5", "u3"};
        try (OrtSession session = env.createSession(file.sessionBytes());
                OnnxTensor in = OnnxTensor.createTensor(env, ids, new long[] {3});
                OnnxTensor one = OnnxTensor.createTensor(env, new String[] {"b4"}, new long[] {1});
                OnnxTensor oneScore = OnnxTensor
                        .createTensor(env, FloatBuffer.wrap(new float[] {0.75f}), new long[] {1});
                OrtSession.Result result = session.run(Map.of("user_id", in, BUCKET, one, SCORE, oneScore))) {
            assertEquals(Set.of("user_id", BUCKET, SCORE), session.getInputNames());
            assertClose(bundle.javaQueryTower().embedIndices(users.lookup(ids), Features.none().withRows(BUCKET,
                new int[] {buckets.index("b4"), buckets.index("b4"), buckets.index("b4")})
                .withValues(SCORE, new float[] {0.75f, 0.75f, 0.75f})),
                    embeddings(result, 3));
        }
    }

    @Test
    void theRetrievalModelRanksWithTheContext() throws Exception {
        OnnxFiles files = OnnxExport.write(bundle, items, candidates, 10, tmp);
        BruteForceIndex java = new BruteForceIndex(bundle.javaQueryTower()).index(items, candidates);
        int[][] g = grid();
        List<String> ids = new ArrayList<>();
        List<String> raw = new ArrayList<>();
        for (int i = 0; i < g[0].length; i++) {
            ids.add(g[0][i] == 0 ? "nobody" : users.token(g[0][i]));
            raw.add(g[1][i] == 0 ? "" : buckets.token(g[1][i]));
        }
        Embeddings withContext = bundle.javaQueryTower().embedIndices(g[0], Features.none().withRows(BUCKET, g[1]));
        Embeddings without = bundle.javaQueryTower().embedIndices(g[0]);
        try (OnnxRetrievalIndex onnx = OnnxRetrievalIndex.open(files.retrieval(), BackendOptions.none())) {
            assertEquals(List.of(BUCKET, SCORE), onnx.contextFeatures());
            assertEquals("user_id", onnx.feature());
            List<TopK> ranked = onnx.query(ids, Map.of(BUCKET, raw), 10);
            List<TopK> idsOnly = onnx.query(ids, 10);
            List<TopK> expected = java.search(withContext, 10);
            List<TopK> expectedWithout = java.search(without, 10);
            for (int i = 0; i < ids.size(); i++) {
                assertTopK(expected.get(i), ranked.get(i));
                assertTopK(expectedWithout.get(i), idsOnly.get(i));
            }
            TopK one = onnx.query("u2", Map.of(BUCKET, "b3"), 3, Set.of());
            assertTopK(java.search(bundle.javaQueryTower().embedIndices(users.lookup(new String[] {"u2"}),
                    Features.none().withRows(BUCKET, buckets.lookup(new String[] {"b3"}))).data(), 3), one);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> onnx.query(List.of("u1"), Map.of("weekday", List.of("mon")), 3));
            assertTrue(e.getMessage().contains("[bucket, score]"), e.getMessage());
            // the numeric input as decimal strings, one per query
            TopK scored = onnx.query("u2", Map.of(BUCKET, "b3", SCORE, "-1.25"), 3, Set.of());
            assertTopK(java.search(bundle.javaQueryTower().embedIndices(users.lookup(new String[] {"u2"}),
                    Features.none().withRows(BUCKET, buckets.lookup(new String[] {"b3"}))
                            .withValues(SCORE, new float[] {-1.25f})).data(), 3), scored);
            assertThrows(IllegalArgumentException.class, () -> onnx.query(List.of("u1", "u2"),
                    Map.of(BUCKET, List.of("b1")), 3));
        }
    }

    private static Embeddings embeddings(OrtSession.Result result, int n) {
        FloatBuffer b = ((OnnxTensor) result.get(OnnxExport.EMBEDDINGS).orElseThrow()).getFloatBuffer();
        float[] data = new float[b.remaining()];
        b.get(data);
        return new Embeddings(data, n, data.length / n);
    }

    private static void assertClose(Embeddings expected, Embeddings actual) {
        assertEquals(expected.rows(), actual.rows());
        assertEquals(expected.dim(), actual.dim());
        double diff = expected.maxAbsDifference(actual);
        assertTrue(diff < TOLERANCE, "embeddings differ by " + diff);
    }

    private static void assertTopK(TopK expected, TopK actual) {
        assertEquals(expected.identifiers(), actual.identifiers());
        assertArrayEquals(expected.scores(), actual.scores(), 1e-5f);
    }
}
