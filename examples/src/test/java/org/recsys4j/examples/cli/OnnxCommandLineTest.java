package org.recsys4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.examples.tutorial.MovieLensFeatures;
import org.recsys4j.index.BruteForceIndex;
import org.recsys4j.index.TopK;
import org.recsys4j.metrics.FactorizedTopK;
import org.recsys4j.onnx.OnnxRetrievalIndex;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.Backends;
import org.recsys4j.spi.Inference;
import org.recsys4j.task.Retrieval;
import org.recsys4j.testing.TestData;
import org.recsys4j.train.TowerEvaluation;
import org.recsys4j.vocab.Discretization;
import org.recsys4j.vocab.StringLookup;

/**
 * {@code recsys4j retrieval --backend onnx}: TensorFlow trains, ONNX Runtime evaluates and
 * recommends through the exported files; then the same TensorFlow-trained bundle is checked
 * against the brute-force index for every user and against TensorFlow's own evaluation.
 */
class OnnxCommandLineTest {
    @TempDir
    Path tmp;

    @Test
    void retrievalTrainsOnTensorFlowAndServesThroughTheOnnxFiles() throws Exception {
        Path data = TestData.ml100kDir();
        Path reportFile = tmp.resolve("report.json");
        // exit code 0 means every source, the ONNX retrieval model among them, recommends the same
        CliRun.of("retrieval", "--backend", "onnx", "--data-dir", data.toString(), "--epochs", "1",
                "--output-dir", tmp.resolve("models").toString(), "--report", reportFile.toString()).ok();
        JsonNode report = new ObjectMapper().readTree(reportFile.toFile());
        assertEquals("onnx", report.path("backend").asText());
        assertEquals(org.recsys4j.examples.tutorial.TutorialConfig.DEFAULT_TRAINER,
                report.path("training_backend").asText());
        JsonNode onnx = report.path("exports").path("onnx");
        for (String kind : List.of("retrieval", "query_tower", "candidate_tower")) {
            assertTrue(onnx.path(kind).asText().endsWith(kind + ".onnx"), kind + " listed under exports");
            assertTrue(Files.isRegularFile(Path.of(onnx.path(kind).asText())), kind);
        }
        assertEquals(report.path("recommendations").path("42"),
                report.path("recommendations_by_source").path("onnx"));

        // Same TensorFlow-trained bundle: ONNX top 10 = brute force, for every user.
        ModelBundle bundle = BundleIO.load(Path.of(report.path("bundle").asText()));
        MovieLensData ml = TestData.ml100k();
        List<String> movies = List.of(ml.movies().strings("movie_title"));
        BruteForceIndex java = new BruteForceIndex(bundle.javaQueryTower())
                .index(movies, bundle.javaCandidateTower().embed(movies.toArray(String[]::new)));
        List<String> users = StringLookup.ofUnique(ml.ratings().strings("user_id")).vocabulary();
        assertEquals(943, users.size());
        try (OnnxRetrievalIndex index = OnnxRetrievalIndex.open(Path.of(onnx.path("retrieval").asText()),
                BackendOptions.none())) {
            List<TopK> answers = index.query(users, 10);
            for (int i = 0; i < users.size(); i++) {
                TopK expected = java.query(users.get(i), 10);
                assertEquals(expected.identifiers(), answers.get(i).identifiers(), "user " + users.get(i));
                assertArrayEquals(expected.scores(), answers.get(i).scores(), 1e-4f, "user " + users.get(i));
            }
        }

        // The test metrics ONNX Runtime reported equal TensorFlow's evaluation of the same bundle.
        Interactions test = TestData.tutorialSplit(ml.ratings()).test();
        Map<String, Double> tensorflow;
        try (Inference tf = Backends.get("tensorflow").inference(bundle, BackendOptions.none())) {
            tensorflow = TowerEvaluation.evaluate(new Retrieval(new FactorizedTopK(movies)), tf.queryTower(),
                    tf.candidateTower(), test, 4096);
        }
        for (int k : FactorizedTopK.DEFAULT_KS) {
            String metric = FactorizedTopK.metricName(k);
            assertEquals(tensorflow.get(metric), report.path("test").path(metric).asDouble(), 1e-4, metric);
        }
        double top100 = report.path("test").path(FactorizedTopK.metricName(100)).asDouble();
        assertTrue(top100 > 0.15 && top100 < 0.35, "one epoch gives test top-100 " + top100);

        // export --format onnx writes the same models from the saved bundle, byte for byte.
        Path exported = tmp.resolve("exported");
        Path exportReport = tmp.resolve("export.json");
        CliRun.of("export", "--bundle", report.path("bundle").asText(), "--format", "onnx", "--out",
                exported.toString(), "--data-dir", data.toString(), "--report", exportReport.toString()).ok();
        JsonNode files = new ObjectMapper().readTree(exportReport.toFile()).path("exports").path("onnx");
        for (String kind : List.of("retrieval", "query_tower", "candidate_tower")) {
            assertArrayEquals(Files.readAllBytes(Path.of(onnx.path(kind).asText())),
                    Files.readAllBytes(Path.of(files.path(kind).asText())), kind);
        }

        // recommend --backend onnx serves the bundle through the in-memory ONNX towers.
        Path recs = tmp.resolve("recs.json");
        CliRun.of("recommend", "--bundle", report.path("bundle").asText(), "--backend", "onnx",
                "--user", "42", "--k", "3", "--data-dir", data.toString(), "--report", recs.toString()).ok();
        assertEquals(report.path("recommendations").path("42"),
                new ObjectMapper().readTree(recs.toFile()).path("recommendations").path("42"));
    }

    /**
     * With the rating's timestamp bucket as a query feature, the ONNX test metrics use each test
     * rating's bucket, as the trainer's do: they equal the Java towers' evaluation with the context,
     * not the one without it (which is what ONNX gave while its models could not take the bucket).
     */
    @Test
    void theOnnxEvaluationGivesEachTestQueryItsContext() throws Exception {
        Path data = TestData.ml100kDir();
        Path reportFile = tmp.resolve("best.json");
        CliRun.of("retrieval", "--preset", "best", "--epochs", "3", "--backend", "onnx",
                "--data-dir", data.toString(), "--output-dir", tmp.resolve("models").toString(), "--report",
                reportFile.toString()).ok();
        JsonNode report = new ObjectMapper().readTree(reportFile.toFile());
        ModelBundle bundle = BundleIO.load(Path.of(report.path("bundle").asText()));
        String bucket = MovieLensFeatures.TIMESTAMP_BUCKET;
        assertEquals(List.of(bucket), bundle.spec().query().contextFeatures().stream().map(f -> f.name()).toList());

        // the tutorial's split and buckets, rebuilt
        MovieLensData ml = TestData.ml100k();
        TestData.TrainTest split = TestData.tutorialSplit(ml.ratings());
        Interactions train = split.train();
        Interactions test = split.test();
        test = test.withStrings(bucket, Discretization.quantiles(train.numbers("timestamp"), 1000)
                .bucketTokens(test.numbers("timestamp")));
        List<String> movies = List.of(ml.movies().strings("movie_title"));
        Map<String, Double> withContext = TowerEvaluation.evaluate(
                new Retrieval(new FactorizedTopK(movies).reportTieRobust()), bundle.javaQueryTower(),
                bundle.javaCandidateTower(), test, 4096, Map.of(bucket, bundle.vocabularies().get(bucket)));
        Map<String, Double> idsOnly = TowerEvaluation.evaluate(
                new Retrieval(new FactorizedTopK(movies).reportTieRobust()), bundle.javaQueryTower(),
                bundle.javaCandidateTower(), test, 4096);
        for (int k : FactorizedTopK.DEFAULT_KS) {
            for (String metric : List.of(FactorizedTopK.metricName(k), FactorizedTopK.tieRobustName(k))) {
                assertEquals(withContext.get(metric), report.path("test").path(metric).asDouble(), 1e-4, metric);
            }
        }
        String top100 = FactorizedTopK.tieRobustName(100);
        assertTrue(withContext.get(top100) > idsOnly.get(top100) + 0.05, "the bucket matters: " + withContext.get(
                top100) + " with it, " + idsOnly.get(top100) + " without");

        // the exported retrieval model takes the bucket too, and still answers ids alone
        try (OnnxRetrievalIndex index = OnnxRetrievalIndex.open(Path.of(report.path("exports").path("onnx")
                .path("retrieval").asText()), BackendOptions.none())) {
            assertEquals(List.of(bucket), index.contextFeatures());
            List<String> users = List.of(test.strings("user_id")).subList(0, 200);
            List<String> buckets = List.of(test.strings(bucket)).subList(0, 200);
            List<TopK> answers = index.query(users, Map.of(bucket, buckets), 10);
            BruteForceIndex java = new BruteForceIndex(bundle.javaQueryTower())
                    .index(movies, bundle.javaCandidateTower().embed(movies.toArray(String[]::new)));
            var rows = bundle.vocabulary(bundle.spec().query()).lookup(users.toArray(String[]::new));
            var context = org.recsys4j.model.Features.none().withRows(bucket,
                    bundle.vocabularies().get(bucket).lookup(buckets.toArray(String[]::new)));
            List<TopK> expected = java.search(bundle.javaQueryTower().embedIndices(rows, context), 10);
            for (int i = 0; i < users.size(); i++) {
                assertEquals(expected.get(i).identifiers(), answers.get(i).identifiers(), "query " + i);
            }
            assertEquals(java.query("42", 10).identifiers(), index.query("42", 10).identifiers());
        }
    }

    /** quickstart --backend onnx: the default trainer trains, ONNX Runtime answers from what it trained. */
    @Test
    void quickstartTrainsOnTheDefaultTrainerAndServesThroughOnnxRuntime() throws Exception {
        Path reportFile = tmp.resolve("quickstart.json");
        CliRun run = CliRun.of("quickstart", "--backend", "onnx", "--data-dir", TestData.ml100kDir().toString(),
                "--epochs", "1", "--output-dir", tmp.resolve("models").toString(), "--report",
                reportFile.toString()).ok();
        JsonNode report = new ObjectMapper().readTree(reportFile.toFile());
        assertServedByOnnxAndTrainedByTheDefault(report.path("backend_description").asText());
        assertEquals(1, report.path("epochs").size());
        JsonNode bySource = report.path("recommendations_by_source");
        assertEquals(List.of("trained", "onnx"), names(bySource.fieldNames()));
        assertEquals(3, bySource.path("onnx").size());
        assertEquals(bySource.path("trained"), bySource.path("onnx"), "ONNX Runtime answers as the trainer");
        assertEquals(bySource.path("onnx"), report.path("recommendations").path("42"));
        assertTrue(run.out().contains("Recommendations for user 42 (onnx): "), run.out());
    }

    /**
     * item-to-item --backend onnx: the default trainer trains, ONNX Runtime embeds the held-out pairs
     * and the index's queries; the figures equal the trainer's own run's, as the neighbours do.
     */
    @Test
    void itemToItemTrainsOnTheDefaultTrainerAndServesThroughOnnxRuntime() throws Exception {
        JsonNode onnx = itemToItem("onnx");
        JsonNode trainer = itemToItem(org.recsys4j.examples.tutorial.TutorialConfig.DEFAULT_TRAINER);
        assertServedByOnnxAndTrainedByTheDefault(onnx.path("backend_description").asText());
        for (String part : List.of("test", "test_through_index")) {
            for (int k : FactorizedTopK.DEFAULT_KS) {
                String metric = FactorizedTopK.metricName(k);
                assertEquals(trainer.path(part).path(metric).asDouble(), onnx.path(part).path(metric).asDouble(), 1e-4,
                        part + " " + metric);
            }
        }
        assertTrue(onnx.path("test").path(FactorizedTopK.metricName(100)).asDouble() > 0.2, onnx.toString());
        assertEquals(trainer.path("neighbours"), onnx.path("neighbours"));
        assertEquals(10, onnx.path("neighbours").path("Star Wars (1977)").size());
    }

    private JsonNode itemToItem(String backend) throws Exception {
        Path reportFile = tmp.resolve("i2i-" + backend + ".json");
        CliRun.of("item-to-item", "--backend", backend, "--data-dir", TestData.ml100kDir().toString(), "--epochs",
                "1", "--window", "2", "--output-dir", tmp.resolve(backend).toString(), "--report",
                reportFile.toString()).ok();
        return new ObjectMapper().readTree(reportFile.toFile());
    }

    /** efficient-serving --backend onnx: ONNX Runtime computes the embeddings that the indexes serve. */
    @Test
    void efficientServingTrainsOnTheDefaultTrainerAndEmbedsThroughOnnxRuntime() throws Exception {
        Path reportFile = tmp.resolve("serving.json");
        CliRun run = CliRun.of("efficient-serving", "--backend", "onnx", "--data-dir",
                TestData.ml100kDir().toString(), "--epochs", "1", "--candidates", "5000", "--queries", "20",
                "--num-leaves", "10", "--search", "2:50,10:5000", "--min-seconds", "0", "--output-dir",
                tmp.resolve("models").toString(), "--report", reportFile.toString()).ok();
        JsonNode report = new ObjectMapper().readTree(reportFile.toFile());
        assertTrue(report.path("embeddings").asText().startsWith("ONNX Runtime"), report.toString());
        assertTrue(run.err().contains("Embeddings from ONNX Runtime"), run.err());
        ModelBundle bundle = BundleIO.load(Path.of(report.path("model").asText()));
        assertEquals(org.recsys4j.examples.tutorial.TutorialConfig.DEFAULT_TRAINER, bundle.provenance().backend());
        assertEquals(5000, report.path("candidates").asInt());
        // every leaf searched and every candidate rescored: the brute-force answer over the same embeddings
        assertEquals(1.0, report.path("settings").get(1).path("recall_at_10").asDouble());
        assertTrue(report.path("settings").get(0).path("recall_at_10").asDouble() > 0.2, report.toString());
    }

    private static void assertServedByOnnxAndTrainedByTheDefault(String description) {
        assertTrue(description.startsWith("ONNX Runtime") && description.contains("; trained on TensorFlow"),
                description);
    }

    private static List<String> names(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
