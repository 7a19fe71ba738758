package org.recsys4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.testing.TestData;

/** The command line as a user runs it, on the real MovieLens files. */
class CommandLineTest {
    @TempDir
    Path tmp;

    @Test
    void retrievalTrainsEvaluatesSavesReloadsAndServes() throws Exception {
        Path data = TestData.ml100kDir();
        Path report = tmp.resolve("report.json");
        int code = Main.run("retrieval", "--data-dir", data.toString(), "--epochs", "1", "--output-dir",
                tmp.resolve("models").toString(), "--report", report.toString());
        assertEquals(0, code, "exit code 0 means the trained model, the bundle and the SavedModel agree");
        JsonNode r = new ObjectMapper().readTree(report.toFile());
        assertEquals(org.recsys4j.examples.tutorial.TutorialConfig.DEFAULT_BACKEND, r.path("backend").asText());
        assertEquals(1, r.path("epochs").size());
        assertTrue(r.path("epochs").get(0).path("seconds").asDouble() > 0);
        double top100 = r.path("test").path("factorized_top_k/top_100_categorical_accuracy").asDouble();
        assertTrue(top100 > 0.15 && top100 < 0.35, "one epoch gives test top-100 " + top100);
        assertEquals(3, r.path("recommendations").path("42").size());
        assertTrue(Files.isRegularFile(Path.of(r.path("bundle").asText(), "model.json")));
        assertTrue(Files.isRegularFile(Path.of(r.path("exports").path("savedmodel").asText(), "saved_model.pb")));

        // the saved bundle serves the same top 3 through the recommend command
        Path recs = tmp.resolve("recs.json");
        assertEquals(0, Main.run("recommend", "--bundle", r.path("bundle").asText(), "--user", "42", "--k", "3",
                "--data-dir", data.toString(), "--report", recs.toString()));
        assertEquals(r.path("recommendations").path("42"),
                new ObjectMapper().readTree(recs.toFile()).path("recommendations").path("42"));
    }

    @Test
    void theHandWrittenTrainingStepOnTensorFlowReachesTheSameModelAsFit() throws Exception {
        Path data = TestData.ml100kDir();
        Path fit = tmp.resolve("fit.json");
        Path manual = tmp.resolve("manual.json");
        assertEquals(0, Main.run("retrieval", "--backend", "tensorflow", "--data-dir", data.toString(), "--epochs", "1",
                "--output-dir", tmp.resolve("a").toString(), "--report", fit.toString()));
        assertEquals(0, Main.run("retrieval", "--backend", "tensorflow", "--manual-loop", "--data-dir",
                data.toString(), "--epochs", "1", "--output-dir", tmp.resolve("b").toString(), "--report",
                manual.toString()));
        JsonNode a = new ObjectMapper().readTree(fit.toFile());
        JsonNode b = new ObjectMapper().readTree(manual.toFile());
        assertEquals("tensorflow", b.path("backend").asText());
        String key = "factorized_top_k/top_100_categorical_accuracy";
        assertEquals(a.path("test").path(key).asDouble(), b.path("test").path(key).asDouble(), 1e-9);
        assertEquals(a.path("recommendations"), b.path("recommendations"));
    }

    @Test
    void aMissingDataDirectoryIsAClearErrorNotAStackTrace() {
        int code = Main.run("retrieval", "--data-dir", tmp.resolve("nowhere").toString(), "--epochs", "1",
                "--output-dir", tmp.toString());
        assertEquals(2, code);
    }

    @Test
    void unknownBackendIsNamed() {
        int code = Main.run("retrieval", "--backend", "nope", "--data-dir", TestData.ml100kDir().toString(),
                "--epochs", "0", "--output-dir", tmp.toString());
        assertEquals(2, code);
    }
}
