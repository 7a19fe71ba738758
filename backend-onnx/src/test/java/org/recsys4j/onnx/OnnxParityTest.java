package org.recsys4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.data.Interactions;
import org.recsys4j.index.BruteForceIndex;
import org.recsys4j.index.TopK;
import org.recsys4j.metrics.FactorizedTopK;
import org.recsys4j.model.Embeddings;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.Inference;
import org.recsys4j.task.Retrieval;
import org.recsys4j.train.TowerEvaluation;

/**
 * Same bundle, same answers: the exported ONNX models in ONNX Runtime against the plain-Java
 * towers and the brute-force index, for every one of the 943 MovieLens users and the 20,000 test
 * ratings.
 */
class OnnxParityTest {
    private static final int K = 10;
    private static final double SCORE_TOLERANCE = 1e-4;

    @TempDir
    Path tmp;

    static Stream<Arguments> bundles() {
        return Stream.of(Arguments.of("embedding towers (the tutorial's)", MovieLensBundles.embeddingOnly()),
                Arguments.of("towers with ReLU, tanh, sigmoid and linear dense layers",
                        MovieLensBundles.withDenseLayers()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bundles")
    void towersGiveTheJavaTowersEmbeddings(String name, ModelBundle bundle) throws Exception {
        List<String> users = MovieLensBundles.users();
        List<String> movies = MovieLensBundles.movies();
        OnnxFiles files = OnnxExport.write(bundle, movies, candidateEmbeddings(bundle), K, tmp);
        try (OnnxInference onnx = OnnxInference.open(files, BackendOptions.none())) {
            String[] u = users.toArray(String[]::new);
            String[] m = movies.toArray(String[]::new);
            double queryDiff = onnx.queryTower().embed(u).maxAbsDifference(bundle.javaQueryTower().embed(u));
            double candidateDiff = onnx.candidateTower().embed(m)
                    .maxAbsDifference(bundle.javaCandidateTower().embed(m));
            if (bundle.spec().query().layers().isEmpty()) {
                assertEquals(0.0, queryDiff, "a Gather copies the embedding rows exactly");
                assertEquals(0.0, candidateDiff);
            } else {
                assertTrue(queryDiff < 1e-5, "query embeddings differ by " + queryDiff);
                assertTrue(candidateDiff < 1e-5, "candidate embeddings differ by " + candidateDiff);
            }
            assertEquals(bundle.vocabulary(bundle.spec().query()), onnx.queryTower().vocabulary(),
                    "the vocabulary read back from the model's LabelEncoder");
            int[] rows = {0, 1, 2, users.size()};
            assertEquals(0.0, onnx.queryTower().embedIndices(rows).maxAbsDifference(
                    bundle.javaQueryTower().embedIndices(rows)), 1e-5);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bundles")
    void retrievalModelTop10EqualsTheBruteForceIndexForEveryUser(String name, ModelBundle bundle) throws Exception {
        List<String> users = MovieLensBundles.users();
        List<String> movies = MovieLensBundles.movies();
        Embeddings candidates = candidateEmbeddings(bundle);
        BruteForceIndex java = new BruteForceIndex(bundle.javaQueryTower()).index(movies, candidates);
        OnnxFiles files = OnnxExport.write(bundle, movies, candidates, K, tmp);
        try (OnnxRetrievalIndex onnx = OnnxRetrievalIndex.open(files.retrieval(), BackendOptions.none())) {
            assertEquals(movies.size(), onnx.size());
            List<TopK> batch = onnx.query(users, K);
            List<TopK> byEmbedding = onnx.search(bundle.javaQueryTower().embed(users.toArray(String[]::new)), K);
            for (int i = 0; i < users.size(); i++) {
                String user = users.get(i);
                TopK expected = java.query(user, K);
                assertSame(user, expected, onnx.query(user, K));
                assertSame(user, expected, batch.get(i));
                assertSame(user, expected, byEmbedding.get(i));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bundles")
    void factorizedTopKMetricsMatchTheJavaEvaluation(String name, ModelBundle bundle) throws Exception {
        List<String> movies = MovieLensBundles.movies();
        Interactions test = org.recsys4j.testing.TestData.tutorialSplit(MovieLensBundles.data().ratings()).test();
        Map<String, Double> java = TowerEvaluation.evaluate(new Retrieval(new FactorizedTopK(movies)),
                bundle.javaQueryTower(), bundle.javaCandidateTower(), test, 4096);
        Map<String, Double> onnx;
        try (Inference inference = new OnnxBackend().inference(bundle, BackendOptions.none())) {
            onnx = TowerEvaluation.evaluate(new Retrieval(new FactorizedTopK(movies)), inference.queryTower(),
                    inference.candidateTower(), test, 4096);
        }
        assertEquals(java.keySet(), onnx.keySet());
        for (int k : FactorizedTopK.DEFAULT_KS) {
            String metric = FactorizedTopK.metricName(k);
            assertEquals(java.get(metric), onnx.get(metric), 1e-4, metric);
        }
        assertEquals(java.get("loss"), onnx.get("loss"), 1e-3 * Math.abs(java.get("loss")));
        assertTrue(java.get(FactorizedTopK.metricName(100)) > 0.0);
    }

    private static void assertSame(String user, TopK expected, TopK actual) {
        assertEquals(expected.identifiers(), actual.identifiers(), "top " + K + " of user " + user);
        assertArrayEquals(expected.scores(), actual.scores(), (float) SCORE_TOLERANCE, "scores of user " + user);
    }

    private static Embeddings candidateEmbeddings(ModelBundle bundle) {
        return bundle.javaCandidateTower().embed(MovieLensBundles.movies().toArray(String[]::new));
    }
}
