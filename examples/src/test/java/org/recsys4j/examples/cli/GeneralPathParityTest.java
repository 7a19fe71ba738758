package org.recsys4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.metrics.FactorizedTopK;
import org.recsys4j.testing.TestData;

/**
 * The real MovieLens 100k files through {@code recsys4j train} (a query over u.data and u.item)
 * give the preset's split and the preset's metrics: the MovieLens command is the general path with
 * its data filled in.
 */
class GeneralPathParityTest {
    @TempDir
    Path tmp;

    @Test
    void movieLensThroughTrainMatchesTheRetrievalPreset() throws Exception {
        Path dir = TestData.ml100kDir();
        String movies = "read_csv('" + dir.resolve("u.item") + "', sep='|', header=false, encoding='latin-1')";
        // u.data in file order (row_number over the plain scan), each rating's title from u.item
        String sql = "SELECT d.column0 AS user_id, m.column01 AS movie_title, d.column3 AS timestamp FROM (SELECT"
                + " row_number() OVER () AS rn, * FROM read_csv('" + dir.resolve("u.data") + "', sep='\\t',"
                + " header=false)) d JOIN " + movies + " m ON d.column1 = m.column00 ORDER BY d.rn";
        Path general = tmp.resolve("train.json");
        CliRun.of("train", "--sql", sql, "--query-id", "user_id", "--candidate-id", "movie_title",
                "--timestamp", "timestamp", "--items", "SELECT column01 AS movie_title FROM " + movies,
                "--item-id", "movie_title", "--epochs", "2", "--output-dir", tmp.resolve("a").toString(), "--report",
                general.toString()).ok();
        Path preset = tmp.resolve("retrieval.json");
        CliRun.of("retrieval", "--data-dir", dir.toString(), "--epochs", "2", "--output-dir",
                tmp.resolve("b").toString(), "--report", preset.toString()).ok();
        JsonNode a = new ObjectMapper().readTree(general.toFile());
        JsonNode b = new ObjectMapper().readTree(preset.toFile());
        assertEquals(100_000, a.path("data").path("rows").asInt());
        assertEquals(943, a.path("data").path("users").asInt());
        assertEquals(1682, a.path("data").path("items").asInt(), "u.item's rows, a few titles twice, as the preset");
        assertEquals("random:0.8", a.path("split").path("spec").asText());
        assertEquals(80_000, a.path("split").path("train_rows").asInt());
        assertEquals(20_000, a.path("split").path("test_rows").asInt());
        for (int e = 0; e < 2; e++) {
            assertEquals(b.path("epochs").get(e).path("logs").path("mean_loss").asDouble(),
                    a.path("epochs").get(e).path("logs").path("mean_loss").asDouble(), 1e-6, "epoch " + (e + 1));
        }
        for (int k : FactorizedTopK.DEFAULT_KS) {
            String key = FactorizedTopK.metricName(k);
            assertEquals(b.path("test").path(key).asDouble(), a.path("test").path(key).asDouble(), 1e-9, key);
        }
        for (String key : new String[] {"recall_at_100", "ndcg_at_10", "map_at_50", "coverage_at_10"}) {
            assertEquals(b.path("test").path(key).asDouble(-1), a.path("test").path(key).asDouble(-2), 1e-9, key);
        }
        assertEquals(b.path("baseline").path("popularity"), a.path("baseline").path("popularity"));
    }
}
