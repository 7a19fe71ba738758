package org.recsys4j.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.bundle.LatestItems;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.data.Interactions;
import org.recsys4j.index.BruteForceIndex;
import org.recsys4j.index.TopK;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.spi.Backends;
import org.recsys4j.task.Retrieval;
import org.recsys4j.train.Progress;
import org.recsys4j.train.RetrievalModel;
import org.recsys4j.testing.TestData;
import org.recsys4j.vocab.StringLookup;

/**
 * The estimator and model on MovieLens 100k, local[2]: the Spark fit trains the same weights as a
 * single-machine fit of the same rows, and every executor-side result equals the single-machine
 * index's answer for every user and item, to the last bit.
 */
class TwoTowerRetrievalTest {
    @TempDir
    static Path scratch;
    static SparkSession spark;
    static Dataset<Row> ratings;
    static TwoTowerRetrieval estimator;
    static TwoTowerRetrievalModel model;
    static BruteForceIndex reference;

    @BeforeAll
    static void fit() {
        spark = LocalSpark.start(scratch);
        ratings = LocalSpark.ml100k(spark).cache();
        estimator = new TwoTowerRetrieval().setUserCol("user").setItemCol("item").setRank(16).setMaxIter(2)
                .setBatchSize(4096).setLogQCorrection(true).setBackend("nd4j").setSeed(7);
        model = estimator.fit(ratings);
        ModelBundle b = model.bundle();
        List<String> items = b.vocabulary(b.spec().candidate()).vocabulary();
        reference = new BruteForceIndex(b.javaQueryTower())
                .index(items, b.javaCandidateTower().embed(items.toArray(String[]::new)));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void sparkFitTrainsOnTheSameBatchesAsASingleMachineFit() throws IOException {
        List<String> lines = Files.readAllLines(TestData.ml100kDir().resolve("u.data"));
        String[] users = new String[lines.size()];
        String[] items = new String[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).split("\t");
            users[i] = f[0];
            items[i] = f[1];
        }
        Interactions data = Interactions.builder().strings("user", users).strings("item", items).build();
        ModelBundle spark = model.bundle();
        Map<String, StringLookup> vocabularies = Map.of("user", StringLookup.ofUnique(users), "item",
                StringLookup.ofUnique(items));
        assertEquals(vocabularies, spark.vocabularies());
        try (RetrievalModel single = new RetrievalModel(spark.spec(), vocabularies,
                new Retrieval(spark.spec().task(), List.of()), Backends.get("nd4j"), new Adagrad(0.1), 7)) {
            single.computeTrainingMetrics(false).logQCorrection(data);
            List<FeatureBatch> batches = single.batches(data.shuffle(7), 4096);
            // the columns streamed from the executors give exactly the batches of the in-memory table
            EncodedInteractions encoded = ClusterEncoding.encode(ratings,
                    new ClusterEncoding.Input("user", "item", null, null));
            List<FeatureBatch> fromSpark = DriverTraining.batches(single, encoded, new DriverTraining.Config("user",
                    "item", 16, List.of(), false, spark.spec().task(), true, 0.1, 4096, 2, 7, null, null, false), null);
            assertEquals(batches.size(), fromSpark.size());
            for (int i = 0; i < batches.size(); i++) {
                for (String f : List.of("user", "item")) {
                    assertArrayEquals(batches.get(i).feature(f), fromSpark.get(i).feature(f));
                }
                assertArrayEquals(batches.get(i).candidateSamplingProbability(),
                        fromSpark.get(i).candidateSamplingProbability());
            }
            // and the same training; ND4J's multi-threaded kernels may sum in another order
            single.fit(batches, 2, Progress.silent());
            var expected = single.trainer().weights();
            for (String name : expected.names()) {
                assertArrayEquals(expected.get(name).data(), spark.weights().get(name).data(), 1e-5f, name);
            }
        }
    }

    @Test
    void recommendForAllUsersEqualsTheSingleMachineIndexForEveryUser() {
        List<Row> rows = model.recommendForAllUsers(100).collectAsList();
        assertEquals(943, rows.size());
        for (Row r : rows) {
            assertEquals(reference.query(Integer.toString(r.getInt(0)), 100), topK(r.getList(1)), "user " + r.get(0));
        }
    }

    @Test
    void userSubsetLeavesOutEachUsersExclusionsAsTheIndexDoes() {
        Dataset<Row> seen = ratings.filter(col("user").leq(50)).groupBy("user")
                .agg(collect_list("item").as("seen"));
        List<Row> rows = model.copy(new org.apache.spark.ml.param.ParamMap()).setExclusionsCol("seen")
                .recommendForUserSubset(seen, 20).collectAsList();
        assertEquals(50, rows.size());
        Map<Integer, Set<String>> seenByUser = new HashMap<>();
        for (Row s : seen.collectAsList()) {
            Set<String> set = new HashSet<>();
            s.<Integer>getList(1).forEach(i -> set.add(i.toString()));
            seenByUser.put(s.getInt(0), set);
        }
        for (Row r : rows) {
            Set<String> exclusions = seenByUser.get(r.getInt(0));
            TopK expected = reference.query(Integer.toString(r.getInt(0)), 20, exclusions);
            assertEquals(expected, topK(r.getList(1)));
            expected.identifiers().forEach(i -> assertTrue(!exclusions.contains(i)));
        }
    }

    @Test
    void similarItemsEqualTheIndexSearchedWithEachItemsEmbedding() {
        ModelBundle b = model.bundle();
        List<Row> rows = model.similarItems(10).collectAsList();
        assertEquals(1682, rows.size());
        for (Row r : rows) {
            String item = Integer.toString(r.getInt(0));
            float[] q = b.javaCandidateTower().embed(item).data();
            assertEquals(reference.search(q, 10, Set.of(item)), topK(r.getList(1)));
        }
    }

    @Test
    void transformAddsEachRowsUsersRecommendationsAndKeepsOrDropsUnknownUsers() {
        Dataset<Row> some = spark.createDataFrame(List.of(
                org.apache.spark.sql.RowFactory.create(1, 5), org.apache.spark.sql.RowFactory.create(1, 6),
                org.apache.spark.sql.RowFactory.create(2, 7), org.apache.spark.sql.RowFactory.create(99_999, 8)),
                new org.apache.spark.sql.types.StructType().add("user", "int").add("item", "int"));
        TwoTowerRetrievalModel m = model.copy(new org.apache.spark.ml.param.ParamMap()).setNumRecommendations(5);
        List<Row> out = m.transform(some).orderBy("user", "item").collectAsList();
        assertEquals(4, out.size());
        for (Row r : out.subList(0, 3)) {
            assertEquals(reference.query(Integer.toString(r.getInt(0)), 5), topK(r.getList(2)));
        }
        assertNull(out.get(3).get(2));
        assertEquals(3, m.setColdStartStrategy("drop").transform(some).count());
    }

    @Test
    void savesAndLoadsAloneAndInsideAPipeline() throws IOException {
        String path = scratch.resolve("model").toString();
        model.write().overwrite().save(path);
        TwoTowerRetrievalModel loaded = TwoTowerRetrievalModel.load(path);
        assertEquals(model.uid(), loaded.uid());
        assertEquals(model.getUserCol(), loaded.getUserCol());
        assertEquals(model.recommendForAllUsers(10).orderBy("user").collectAsList(),
                loaded.recommendForAllUsers(10).orderBy("user").collectAsList());

        Dataset<Row> small = ratings.filter(col("user").leq(100));
        PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[] {
                new TwoTowerRetrieval().setUserCol("user").setItemCol("item").setRank(8).setMaxIter(1)
                        .setBackend("nd4j").setNumRecommendations(3)}).fit(small);
        String pipelinePath = scratch.resolve("pipeline").toString();
        pipeline.write().overwrite().save(pipelinePath);
        PipelineModel reloaded = PipelineModel.load(pipelinePath);
        Dataset<Row> probe = small.select("user").distinct();
        assertEquals(pipeline.transform(probe).orderBy("user").collectAsList(),
                reloaded.transform(probe).orderBy("user").collectAsList());

        String estimatorPath = scratch.resolve("estimator").toString();
        estimator.write().overwrite().save(estimatorPath);
        TwoTowerRetrieval again = TwoTowerRetrieval.load(estimatorPath);
        assertEquals(estimator.uid(), again.uid());
        for (var p : estimator.params()) {
            var q = again.getParam(p.name());
            assertEquals(estimator.isDefined(p), again.isDefined(q), p.name());
            if (estimator.isDefined(p)) {
                assertTrue(java.util.Objects.deepEquals(estimator.getOrDefault(p), again.getOrDefault(q)), p.name());
            }
        }
    }

    @Test
    void theScannIndexIsBuiltOnTheDriverAndAnswersTheSameOnTheExecutors() {
        TwoTowerRetrievalModel scann = estimator.copy(new org.apache.spark.ml.param.ParamMap()).setIndex("scann")
                .setNumLeaves(20).setNumLeavesToSearch(20).setNumReorderingCandidates(200)
                .fit(ratings.filter(col("user").leq(200)));
        int overlap = 0;
        int total = 0;
        ModelBundle b = scann.bundle();
        List<String> items = b.vocabulary(b.spec().candidate()).vocabulary();
        BruteForceIndex exact = new BruteForceIndex(b.javaQueryTower())
                .index(items, b.javaCandidateTower().embed(items.toArray(String[]::new)));
        for (Row r : scann.recommendForAllUsers(10).collectAsList()) {
            String user = Integer.toString(r.getInt(0));
            TopK got = topK(r.getList(1));
            TopK driver = scann.scannIndex().search(b.javaQueryTower().embed(user).data(), 10, Set.of());
            assertEquals(driver, got);
            Set<String> truth = new HashSet<>(exact.query(user, 10).identifiers());
            overlap += (int) got.identifiers().stream().filter(truth::contains).count();
            total += 10;
        }
        // every leaf searched and 200 rescored exactly: the approximate top 10 is the exact one
        assertEquals(total, overlap);
    }

    @Test
    void previousItemContextTrainsOnEachRowsPreviousItemAndAsksWithEachUsersLatest() throws IOException {
        // the file read independently: each row's previous item and each user's latest, by time,
        // ties in file order
        List<String> lines = Files.readAllLines(TestData.ml100kDir().resolve("u.data"));
        int n = lines.size();
        int[] users = new int[n];
        int[] items = new int[n];
        long[] times = new long[n];
        for (int i = 0; i < n; i++) {
            String[] f = lines.get(i).split("\t");
            users[i] = Integer.parseInt(f[0]);
            items[i] = Integer.parseInt(f[1]);
            times[i] = Long.parseLong(f[3]);
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.<Integer>comparingInt(i -> users[i])
                .thenComparingLong(i -> times[i]).thenComparingInt(i -> i));
        String[] previous = new String[n];
        Map<String, String> latest = new HashMap<>();
        for (int k = 0; k < n; k++) {
            int r = order[k];
            boolean sameUser = k > 0 && users[order[k - 1]] == users[r];
            previous[r] = sameUser ? Integer.toString(items[order[k - 1]]) : null;
            latest.put(Integer.toString(users[r]), Integer.toString(items[r]));
        }

        TwoTowerRetrievalModel temporal = estimator.copy(new org.apache.spark.ml.param.ParamMap()).setRank(8)
                .setMaxIter(1).setTimestampCol("timestamp").setQueryContext("previousItem").fit(ratings);
        ModelBundle b = temporal.bundle();
        StringLookup itemVocabulary = b.vocabulary(b.spec().candidate());
        assertEquals(List.of("previous_item"), b.spec().query().contextFeatures().stream().map(f -> f.name())
                .toList());
        assertEquals(itemVocabulary, b.vocabularies().get("previous_item"));

        // the training examples' context: the encoded stream's rows are the file's rows
        EncodedInteractions encoded = ClusterEncoding.encode(ratings,
                new ClusterEncoding.Input("user", "item", null, "timestamp"));
        int[] perRow = PreviousItems.compute(b.vocabulary(b.spec().query()).size(), encoded.users(),
                encoded.items(), encoded.timestamps()).perRow();
        for (int i = 0; i < n; i++) {
            assertEquals(previous[i] == null ? StringLookup.OOV_INDEX : itemVocabulary.index(previous[i]), perRow[i],
                    "row " + i);
        }

        // every user's list: the single-machine tower asked with the user's latest item, searched exhaustively
        List<String> ids = itemVocabulary.vocabulary();
        BruteForceIndex exact = new BruteForceIndex(b.javaQueryTower())
                .index(ids, b.javaCandidateTower().embed(ids.toArray(String[]::new)));
        StringLookup userVocabulary = b.vocabulary(b.spec().query());
        List<Row> rows = temporal.recommendForAllUsers(20).collectAsList();
        assertEquals(943, rows.size());
        for (Row r : rows) {
            String user = Integer.toString(r.getInt(0));
            int[] row = {userVocabulary.index(user)};
            var context = org.recsys4j.model.Features.none().withRows("previous_item",
                    new int[] {itemVocabulary.index(latest.get(user))});
            assertArrayEquals(context.rows("previous_item"), temporal.queryContext(row).rows("previous_item"));
            float[] q = b.javaQueryTower().embedIndices(row, context).row(0);
            assertEquals(exact.search(q, 20, Set.of()), topK(r.getList(1)), "user " + user);
        }

        // and the context travels with the saved model
        String path = scratch.resolve("temporal").toString();
        temporal.write().overwrite().save(path);
        TwoTowerRetrievalModel loaded = TwoTowerRetrievalModel.load(path);
        assertEquals(temporal.recommendForAllUsers(10).orderBy("user").collectAsList(),
                loaded.recommendForAllUsers(10).orderBy("user").collectAsList());
        // as the bundle's own latest items, which recsys4j serve and recommend ask each user with too
        Path saved = Path.of(path, ModelIO.BUNDLE);
        LatestItems kept = LatestItems.load(saved, BundleIO.load(saved));
        for (Map.Entry<String, String> e : latest.entrySet()) {
            assertEquals(itemVocabulary.index(e.getValue()), kept.row(userVocabulary.index(e.getKey())),
                    "user " + e.getKey());
        }
    }

    static TopK topK(List<Row> entries) {
        List<String> ids = new java.util.ArrayList<>();
        float[] scores = new float[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            ids.add(entries.get(i).get(0).toString());
            scores[i] = entries.get(i).getFloat(1);
        }
        return new TopK(ids, scores);
    }
}
