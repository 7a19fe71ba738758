package org.recsys4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.testing.TestData;

/** The ranking commands as a user runs them, on the real MovieLens files, briefly. */
class RankingCommandLineTest {
    @TempDir
    Path tmp;

    private JsonNode report(String name, String... args) throws Exception {
        Path report = tmp.resolve(name + ".json");
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--data-dir";
        all[args.length + 1] = TestData.ml100kDir().toString();
        all[args.length + 2] = "--report";
        all[args.length + 3] = report.toString();
        assertEquals(0, Main.run(all), String.join(" ", args));
        return new ObjectMapper().readTree(report.toFile());
    }

    @Test
    void multitaskTrainsEachWeightingAndReportsBothTasks() throws Exception {
        JsonNode r = report("multitask", "multitask", "--epochs", "1", "--weights", "1:1,0.5:2");
        assertEquals(2, r.path("models").size());
        JsonNode first = r.path("models").get(0);
        assertEquals(1.0, first.path("rating_weight").asDouble());
        double rmse = first.path("test").path("root_mean_squared_error").asDouble();
        double top100 = first.path("test").path("factorized_top_k/top_100_categorical_accuracy").asDouble();
        // one epoch of 10 steps: the rating head is barely trained, the retrieval already useful
        assertTrue(rmse > 0.9 && rmse < 3.5, "one epoch's RMSE " + rmse);
        assertTrue(top100 > 0.1 && top100 < 0.35, "one epoch's top-100 " + top100);
        assertEquals(1.110, first.path("published").path("root_mean_squared_error").asDouble(), 1e-9);
        assertTrue(r.path("models").get(1).path("published").isMissingNode(), "no published figure for 0.5:2");
        assertEquals("Adagrad[learningRate=0.1, initialAccumulatorValue=0.1, epsilon=1.0E-7]",
                r.path("config").path("optimizer").asText());
    }

    @Test
    void dcnTrainsEachKindWithAdam() throws Exception {
        JsonNode r = report("dcn", "dcn", "--epochs", "1", "--runs", "2", "--models", "dcn-low-rank,dnn");
        assertEquals(2, r.path("models").size());
        JsonNode low = r.path("models").get(0);
        assertEquals("DCN (low-rank)", low.path("model").asText());
        assertEquals(2, low.path("rmse").size());
        assertTrue(low.path("mean").asDouble() > 0.9 && low.path("mean").asDouble() < 2.5, low.toString());
        assertTrue(r.path("config").path("optimizer").asText().startsWith("Adam[learningRate=0.01"));
        // the tutorial's own split by default: TFDS's record order, tf.data's shuffle
        assertEquals("tfds:0.8", r.path("split").path("spec").asText());
        assertEquals(80_000, r.path("split").path("train_rows").asInt());
        assertEquals(20_000, r.path("split").path("test_rows").asInt());
    }

    @Test
    void aRankingBundleReordersTheRetrievalsCandidates() throws Exception {
        String models = tmp.resolve("models").toString();
        JsonNode retrieval = report("retrieval", "retrieval", "--epochs", "1", "--output-dir", models);
        JsonNode ranking = report("ranking", "ranking", "--epochs", "1", "--output-dir", models);
        double rmse = ranking.path("test").path("root_mean_squared_error").asDouble();
        assertTrue(rmse > 1.0 && rmse < 2.0, "one epoch's RMSE " + rmse);
        assertEquals(3, ranking.path("predictions").path("42").size());
        JsonNode r = report("recommend", "recommend", "--bundle", retrieval.path("bundle").asText(), "--ranker",
                ranking.path("bundle").asText(), "--candidates", "30", "--k", "5", "--user", "42,7", "--evaluate");
        assertEquals(5, r.path("recommendations").path("42").size());
        assertEquals(5, r.path("recommendations").path("7").size());
        JsonNode e = r.path("evaluation");
        assertEquals(943, e.path("users").asInt());
        for (String k : new String[] {"ndcg_at_5_retrieval", "ndcg_at_5_two_stage"}) {
            double ndcg = e.path(k).asDouble(-1);
            assertTrue(ndcg > 0 && ndcg < 1, k + " " + ndcg);
        }
        // the ranking bundle exported: ONNX and SavedModel
        JsonNode onnx = report("export-onnx", "export", "--bundle", ranking.path("bundle").asText(), "--format",
                "onnx", "--out", tmp.resolve("onnx").toString());
        assertTrue(java.nio.file.Files.isRegularFile(Path.of(onnx.path("exports").path("onnx_rating").asText())));
        JsonNode saved = report("export-savedmodel", "export", "--bundle", ranking.path("bundle").asText(),
                "--format", "savedmodel", "--out", tmp.resolve("serving").toString());
        assertTrue(java.nio.file.Files.isRegularFile(Path.of(saved.path("exports").path("savedmodel_rating").asText(),
                "saved_model.pb")));
        // a retrieval bundle is no ranker
        String data = TestData.ml100kDir().toString();
        assertEquals(2, Main.run("recommend", "--data-dir", data, "--bundle", retrieval.path("bundle").asText(),
                "--ranker", retrieval.path("bundle").asText(), "--user", "42"));
    }

    @Test
    void badSettingsExitWithTwo() throws Exception {
        String data = TestData.ml100kDir().toString();
        assertEquals(2, Main.run("multitask", "--data-dir", data, "--weights", "0:0"));
        assertEquals(2, Main.run("multitask", "--data-dir", data, "--weights", "1"));
        assertEquals(2, Main.run("dcn", "--data-dir", data, "--models", "dcn,wide"));
        assertEquals(2, Main.run("dcn", "--data-dir", data, "--runs", "0"));
        assertEquals(2, Main.run("dcn", "--data-dir", data, "--split", "sideways:0.8"));
        assertEquals(2, Main.run("ranking", "--data-dir", data, "--optimizer", "sgd"));
    }
}
