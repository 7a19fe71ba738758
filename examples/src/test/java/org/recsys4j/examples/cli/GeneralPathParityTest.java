package org.recsys4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        JsonNode a = compare("movie_title", new String[] {"--epochs", "2"}, new String[0]);
        assertEquals(100_000, a.path("data").path("rows").asInt());
        assertEquals(943, a.path("data").path("users").asInt());
        assertEquals(1682, a.path("data").path("items").asInt(), "u.item's rows, a few titles twice, as the preset");
        assertEquals("random:0.8", a.path("split").path("spec").asText());
        assertEquals(80_000, a.path("split").path("train_rows").asInt());
        assertEquals(20_000, a.path("split").path("test_rows").asInt());
    }

    /**
     * {@code --preset temporal} is one preset for both commands: the previous training item of any
     * table is the previous title of MovieLens, with the same split, losses and metrics. (The item
     * column is called {@code title} so that its previous item, {@code previous_title}, starts from
     * the same initial weights: each weight's seed is its name's.)
     */
    @Test
    void theTemporalPresetIsTheSameOnTheGeneralPath() throws Exception {
        JsonNode a = compare("title", new String[] {"--preset", "temporal", "--epochs", "2"},
                new String[] {"--baseline", "item-knn"});
        assertEquals("last:0.2", a.path("split").path("spec").asText());
        // train's item-kNN beside the model is the baseline command's, on the same protocol
        Path knn = tmp.resolve("knn.json");
        CliRun.of("baseline", "--kind", "item-knn", "--split", "last:0.2", "--data-dir", TestData.ml100kDir()
                .toString(), "--report", knn.toString()).ok();
        JsonNode b = new ObjectMapper().readTree(knn.toFile());
        for (String key : new String[] {"recall_at_100", "ndcg_at_10", "map_at_10", "coverage_at_100"}) {
            assertEquals(b.path("test").path(key).asDouble(-1), a.path("baseline").path("item-knn").path(key)
                    .asDouble(-2), 1e-9, key);
        }
    }

    /**
     * Trains on MovieLens 100k through both commands with the same flags, the titles in train's column
     * {@code item}; returns train's report.
     */
    private JsonNode compare(String item, String[] flags, String[] trainOnly) throws Exception {
        Path dir = TestData.ml100kDir();
        String movies = "read_csv('" + dir.resolve("u.item") + "', sep='|', header=false, encoding='latin-1')";
        // u.data in file order (row_number over the plain scan), each rating's title from u.item
        String sql = "SELECT d.column0 AS user_id, m.column01 AS " + item + ", d.column3 AS timestamp FROM (SELECT"
                + " row_number() OVER () AS rn, * FROM read_csv('" + dir.resolve("u.data") + "', sep='\\t',"
                + " header=false)) d JOIN " + movies + " m ON d.column1 = m.column00 ORDER BY d.rn";
        Path general = tmp.resolve("train.json");
        List<String> train = new ArrayList<>(List.of("train", "--sql", sql, "--query-id", "user_id",
                "--candidate-id", item, "--timestamp", "timestamp", "--items", "SELECT column01 AS " + item
                + " FROM " + movies, "--item-id", item, "--output-dir",
                tmp.resolve("a").toString(), "--report", general.toString()));
        train.addAll(List.of(flags));
        train.addAll(List.of(trainOnly));
        CliRun.of(train.toArray(String[]::new)).ok();
        Path preset = tmp.resolve("retrieval.json");
        List<String> retrieval = new ArrayList<>(List.of("retrieval", "--data-dir", dir.toString(), "--output-dir",
                tmp.resolve("b").toString(), "--report", preset.toString()));
        retrieval.addAll(List.of(flags));
        CliRun.of(retrieval.toArray(String[]::new)).ok();
        JsonNode a = new ObjectMapper().readTree(general.toFile());
        JsonNode b = new ObjectMapper().readTree(preset.toFile());
        assertEquals(b.path("split").path("train_rows").asInt(-1), a.path("split").path("train_rows").asInt(-2));
        assertEquals(b.path("epochs").size(), a.path("epochs").size());
        for (int e = 0; e < b.path("epochs").size(); e++) {
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
        return a;
    }
}
