package org.recsys4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.bundle.Provenance;
import org.recsys4j.index.BruteForceIndex;
import org.recsys4j.index.TopK;
import org.recsys4j.model.Embeddings;
import org.recsys4j.onnx.proto.OnnxProto.ModelProto;
import org.recsys4j.onnx.proto.OnnxProto.OperatorSetIdProto;
import org.recsys4j.onnx.proto.OnnxProto.ValueInfoProto;
import org.recsys4j.spec.TrainingConfig;
import org.recsys4j.spi.BackendOptions;

/** What the exported files contain, and what the ONNX index answers beyond plain top-k. */
class OnnxExportTest {
    @TempDir
    Path tmp;

    private final ModelBundle bundle = MovieLensBundles.syntheticEmbeddingOnly();
    private final List<String> movies = MovieLensBundles.syntheticMovies();
    private final Embeddings candidates = bundle.javaCandidateTower().embed(movies.toArray(String[]::new));

    @Test
    void targetsIr8Opset17AndCarriesTheProvenance() throws Exception {
        OnnxFiles files = OnnxExport.write(bundle, movies, candidates, 10, tmp);
        for (OnnxModelKind kind : OnnxFiles.KINDS) {
            ModelProto m = ModelProto.parseFrom(Files.readAllBytes(files.get(kind)));
            assertEquals(8, m.getIrVersion());
            assertEquals(Map.of("", 17L, "ai.onnx.ml", 3L), m.getOpsetImportList().stream()
                    .collect(Collectors.toMap(OperatorSetIdProto::getDomain, OperatorSetIdProto::getVersion)));
            Map<String, String> meta = OnnxMetadata.read(m);
            assertEquals(kind.id(), meta.get("recsys4j.model"));
            ObjectMapper json = new ObjectMapper();
            assertEquals(bundle.provenance(), json.readValue(meta.get("recsys4j.provenance"), Provenance.class));
            assertEquals(bundle.training(), json.readValue(meta.get("recsys4j.training"), TrainingConfig.class));
            bundle.provenance().dataFiles().forEach((file, sha) ->
                    assertEquals(sha, meta.get("recsys4j.data_sha256." + file), file));
            assertEquals(bundle.provenance().dataset(), meta.get("recsys4j.dataset"));
            String feature = kind == OnnxModelKind.CANDIDATE_TOWER ? "movie_title" : "user_id";
            assertEquals(List.of(feature), names(m.getGraph().getInputList()), "raw ids are the only input");
            assertEquals(feature, meta.get("recsys4j.feature"));
        }
        ModelProto retrieval = ModelProto.parseFrom(Files.readAllBytes(files.retrieval()));
        assertEquals(List.of("identifiers", "scores", "candidate_indices"),
                names(retrieval.getGraph().getOutputList()));
        ModelProto candidate = ModelProto.parseFrom(Files.readAllBytes(files.candidateTower()));
        assertEquals(List.of("embeddings"), names(candidate.getGraph().getOutputList()));
        assertTrue(retrieval.getGraph().getInitializerList().stream()
                .anyMatch(t -> t.getName().equals("query/embedding")),
                "initializers keep the bundle's weight names");
    }

    @Test
    void theIdentifiersOutputIsWhatAServingClientReads() throws Exception {
        // Clients in other languages read the string output; the Java index maps candidate_indices.
        OnnxFiles files = OnnxExport.write(bundle, movies, candidates, 10, tmp);
        List<String> users = MovieLensBundles.syntheticUsers();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(files.retrieval().toString());
                OnnxTensor in = OnnxTensor.createTensor(env, users.toArray(String[]::new), new long[] {users.size()});
                OrtSession.Result result = session.run(Map.of("user_id", in));
                OnnxRetrievalIndex index = OnnxRetrievalIndex.open(files.retrieval(), BackendOptions.none())) {
            String[][] identifiers = (String[][]) result.get("identifiers").orElseThrow().getValue();
            long[][] rows = (long[][]) result.get("candidate_indices").orElseThrow().getValue();
            List<TopK> fromIndex = index.query(users, 10);
            for (int i = 0; i < users.size(); i++) {
                assertEquals(fromIndex.get(i).identifiers(), List.of(identifiers[i]), "user " + users.get(i));
                for (int j = 0; j < 10; j++) {
                    assertEquals(movies.get((int) rows[i][j]), identifiers[i][j]);
                }
            }
        }
    }

    @Test
    void rewritingReplacesTheFilesAndLeavesNoTemporaries() throws Exception {
        OnnxExport.write(bundle, movies, candidates, 10, tmp);
        OnnxFiles files = OnnxExport.write(bundle, movies, candidates, 5, tmp);
        try (var listing = Files.list(tmp)) {
            assertEquals(Set.of("retrieval.onnx", "query_tower.onnx", "candidate_tower.onnx"),
                    listing.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
        }
        try (OnnxRetrievalIndex index = OnnxRetrievalIndex.open(files.retrieval(), BackendOptions.none())) {
            assertEquals(5, index.modelK());
        }
    }

    @Test
    void exclusionsAndLargerKsAnswerAsTheBruteForceIndex() throws Exception {
        BruteForceIndex java = new BruteForceIndex(bundle.javaQueryTower()).index(movies, candidates);
        OnnxFiles files = OnnxExport.write(bundle, movies, candidates, 20, tmp);
        try (OnnxRetrievalIndex onnx = OnnxRetrievalIndex.open(files.retrieval(), BackendOptions.none())) {
            TopK top = java.query("42", 5);
            Set<String> seen = Set.of(top.identifiers().get(0), top.identifiers().get(2));
            assertTopK(java.query("42", 5, seen), onnx.query("42", 5, seen));
            assertTopK(java.query("42", 20), onnx.query("42", 20));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> onnx.query("42", 21));
            assertTrue(e.getMessage().contains("returns the top 20"), e.getMessage());

            // by embedding, the scoring half takes any k
            float[] q = bundle.javaQueryTower().embed("42").data();
            assertTopK(java.search(q, 300), onnx.search(q, 300));
            assertTopK(java.search(q, 7, seen), onnx.search(q, 7, seen));
            assertEquals(movies.size(), onnx.search(q, 5000).size());
        }
    }

    @Test
    void kIsCappedAtTheNumberOfCandidatesAndBadInputsAreNamed() throws Exception {
        OnnxFiles files = OnnxExport.write(bundle, movies, candidates, 5000, tmp);
        try (OnnxRetrievalIndex onnx = OnnxRetrievalIndex.open(files.retrieval(), BackendOptions.none())) {
            assertEquals(movies.size(), onnx.modelK());
            assertEquals(movies.size(), onnx.query("42", movies.size()).size());
        }
        assertThrows(IllegalArgumentException.class, () -> OnnxExport.retrieval(bundle, movies.subList(1, 10),
                candidates, 10));
        Embeddings narrow = new Embeddings(new float[movies.size() * 3], movies.size(), 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxExport.retrieval(bundle, movies, narrow, 10));
        assertTrue(e.getMessage().contains("dimension 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OnnxExport.retrieval(bundle, movies, candidates, 0));
    }

    private static void assertTopK(TopK expected, TopK actual) {
        assertEquals(expected.identifiers(), actual.identifiers());
        assertArrayEquals(expected.scores(), actual.scores(), 1e-4f);
    }

    private static List<String> names(List<ValueInfoProto> values) {
        return values.stream().map(ValueInfoProto::getName).toList();
    }
}
