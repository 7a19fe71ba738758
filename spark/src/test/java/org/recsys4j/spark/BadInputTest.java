package org.recsys4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every fault gets a Spark-style IllegalArgumentException that names the column, param or file. */
class BadInputTest {
    @TempDir
    static Path scratch;
    static SparkSession spark;
    static Dataset<Row> good;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start(scratch);
        good = table("user int, item string, w double", RowFactory.create(1, "a", 1.0), RowFactory.create(1, "b", 2.0),
                RowFactory.create(2, "a", 0.5), RowFactory.create(3, "c", 1.0));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static Dataset<Row> table(String schema, Row... rows) {
        return spark.createDataFrame(List.of(rows), StructType.fromDDL(schema));
    }

    static TwoTowerRetrieval estimator() {
        return new TwoTowerRetrieval().setUserCol("user").setItemCol("item").setRank(4).setMaxIter(1)
                .setBackend("nd4j");
    }

    static String fails(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void aMissingColumnIsNamedWithTheColumnsThereAre() {
        assertEquals("Column movie (itemCol) does not exist. Available columns: user, item, w.",
                fails(() -> estimator().setItemCol("movie").fit(good)));
    }

    @Test
    void aMistypedColumnSaysWhichTypesItMayHave() {
        assertEquals("Column w (itemCol) must be of type bigint or int or string but was actually of type double.",
                fails(() -> estimator().setItemCol("w").fit(good)));
        Dataset<Row> textWeights = table("user int, item string, w string", RowFactory.create(1, "a", "x"));
        assertTrue(fails(() -> estimator().setWeightCol("w").fit(textWeights))
                .startsWith("Column w (weightCol) must be of type"));
    }

    @Test
    void theTimestampColumnAndThePreviousItemContextGoTogether() {
        assertEquals("queryContext 'previousItem' needs timestampCol: set it to the column of interaction times that"
                + " orders each user's history", fails(() -> estimator().setQueryContext("previousItem").fit(good)));
        assertEquals("timestampCol (w) is set but queryContext is 'none', so the times would not be read; set"
                + " queryContext to 'previousItem' or clear timestampCol",
                fails(() -> estimator().setTimestampCol("w").fit(good)));
        assertEquals("Column item (timestampCol) must be of type bigint or double or float or int or timestamp but was"
                + " actually of type string.", fails(() -> estimator().setTimestampCol("item")
                        .setQueryContext("previousItem").fit(good)));
        Dataset<Row> nullTimes = table("user int, item string, t double", RowFactory.create(1, "a", 1.0),
                RowFactory.create(1, "b", null));
        assertEquals("Column t (timestampCol) holds 1 null or NaN timestamps; drop or fill them before fitting.",
                fails(() -> estimator().setTimestampCol("t").setQueryContext("previousItem").fit(nullTimes)));
        assertTrue(fails(() -> estimator().setQueryContext("lastItem")).contains("queryContext"));
    }

    @Test
    void nullIdsAndBadWeightsAreCountedAndNamed() {
        Dataset<Row> nullUsers = table("user int, item string", RowFactory.create(1, "a"), RowFactory.create(null, "b"),
                RowFactory.create(null, "c"));
        assertEquals("Column user (userCol) holds 2 null ids; drop or fill them before fitting.",
                fails(() -> estimator().fit(nullUsers)));
        Dataset<Row> negative = table("user int, item string, w double", RowFactory.create(1, "a", -1.0));
        assertEquals("Column w (weightCol) holds 1 null, NaN or negative weights; drop or fill them before fitting.",
                fails(() -> estimator().setWeightCol("w").fit(negative)));
    }

    @Test
    void anEmptyDataFrameIsRefused() {
        assertTrue(fails(() -> estimator().fit(good.limit(0))).startsWith("The dataset is empty"));
    }

    @Test
    void anUnknownBackendOrOptionFailsBeforeAnyJob() {
        assertTrue(fails(() -> estimator().setBackend("torch").fit(good))
                .startsWith("backend: no backend named 'torch'"));
        assertEquals("backendOptions: expected KEY=VALUE, got 'threads'",
                fails(() -> estimator().setBackendOptions("threads").fit(good)));
    }

    @Test
    void scoringChecksItsInputs() {
        TwoTowerRetrievalModel model = estimator().fit(good);
        assertEquals("Column customer (userCol) does not exist. Available columns: user, item, w.",
                fails(() -> model.copy(new org.apache.spark.ml.param.ParamMap()).setUserCol("customer")
                        .transform(good)));
        assertEquals("Output column item (recommendationsCol) already exists.",
                fails(() -> model.copy(new org.apache.spark.ml.param.ParamMap()).setRecommendationsCol("item")
                        .transform(good)));
        assertEquals("Column item (exclusionsCol) must be of type array<string>, array<int> or array<bigint> but was"
                + " actually of type string.", fails(() -> model.copy(new org.apache.spark.ml.param.ParamMap())
                        .setExclusionsCol("item").recommendForUserSubset(good, 3)));
        assertEquals("k must be positive, got 0", fails(() -> model.recommendForAllUsers(0)));
    }

    @Test
    void aModelSavedByANewerRecsys4jNamesItsFile() throws Exception {
        Path dir = scratch.resolve("newer");
        estimator().fit(good).write().overwrite().save(dir.toString());
        Path modelJson = dir.resolve("bundle").resolve("model.json");
        Files.writeString(modelJson, Files.readString(modelJson)
                .replace("\"formatVersion\" : " + org.recsys4j.bundle.BundleFormat.HEADER.newest(),
                        "\"formatVersion\" : 99"));
        Files.deleteIfExists(dir.resolve("bundle").resolve(".model.json.crc"));
        String message = fails(() -> TwoTowerRetrievalModel.load(dir.toString()));
        assertTrue(message.startsWith("Cannot load TwoTowerRetrievalModel from " + dir), message);
        assertTrue(message.contains("model.json was written by a newer recsys4j (recsys4j-bundle format 99"), message);

        Path notAModel = scratch.resolve("not-a-model");
        estimator().write().overwrite().save(notAModel.toString()); // an estimator: metadata, no bundle
        assertTrue(fails(() -> TwoTowerRetrievalModel.load(notAModel.toString())).contains("TwoTowerRetrieval"));
    }
}
