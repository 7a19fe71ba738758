package org.recsys4j.examples.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.examples.tutorial.RankingModels;
import org.recsys4j.metrics.FactorizedTopK;
import org.recsys4j.metrics.RootMeanSquaredError;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.Adam;
import org.recsys4j.spec.ModelSpec;
import org.recsys4j.spec.Optimizer;
import org.recsys4j.spec.RankingLoss;
import org.recsys4j.spec.RankingTask;
import org.recsys4j.spec.RetrievalTask;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.Backends;
import org.recsys4j.task.Ranking;
import org.recsys4j.task.Retrieval;
import org.recsys4j.task.Task;
import org.recsys4j.testing.TestData;
import org.recsys4j.train.Progress;
import org.recsys4j.train.RecommenderModel;

/** The ranking tutorials' models train to the same numbers on both trainers, on the real MovieLens 100k. */
class RankingParityTest {
    private static MovieLensData data;
    private static Interactions train;
    private static Interactions test;

    @BeforeAll
    static void load() {
        data = TestData.ml100k();
        Interactions shuffled = data.ratings().shuffle(42);
        train = shuffled.take(80_000);
        test = shuffled.skip(80_000).take(20_000);
    }

    private record Trained(Map<String, Double> test, float[] predictions) {
    }

    private static Trained trainOn(String backend, RankingModels.Model m, Map<String, Task> tasks, Optimizer opt,
            int epochs, Interactions trainData, Interactions testData) {
        try (RecommenderModel model = new RecommenderModel(m.spec(), m.vocabularies(), tasks, Backends.get(backend),
                opt, 42)) {
            model.computeTrainingMetrics(false);
            model.fit(trainData, 8192, epochs, Progress.silent());
            return new Trained(model.evaluate(testData, 4096), model.predict(testData.take(50), 4096).get("rating"));
        }
    }

    private static Map<String, Task> rating(String metric) {
        return Map.of("rating", new Ranking(RankingLoss.MEAN_SQUARED_ERROR, List.of(new RootMeanSquaredError(metric))));
    }

    @Test
    void basicRankingReachesTheTutorialsRmseOnBothTrainers() {
        RankingModels.Model m = RankingModels.basicRanking(data.ratings(), 32);
        Trained tf = trainOn("tensorflow", m, rating("root_mean_squared_error"), new Adagrad(0.1), 3, train, test);
        Trained nd = trainOn("nd4j", m, rating("root_mean_squared_error"), new Adagrad(0.1), 3, train, test);
        double rmse = tf.test().get("root_mean_squared_error");
        assertEquals(rmse, nd.test().get("root_mean_squared_error"), 1e-3);
        assertArrayEquals(tf.predictions(), nd.predictions(), 1e-3f);
        // TFRS publishes about 1.11 after 3 epochs
        assertTrue(rmse > 1.05 && rmse < 1.17, "test RMSE " + rmse);
    }

    @Test
    void aMultitaskModelTrainsTheSameOnBothTrainers() {
        var users = org.recsys4j.vocab.StringLookup.ofUnique(data.ratings().strings("user_id"));
        var titles = org.recsys4j.vocab.StringLookup.ofUnique(data.movies().strings("movie_title"));
        ModelSpec spec = new ModelSpec(List.of(TowerSpec.embedding("query", "user_id", users.size(), 32),
                TowerSpec.embedding("candidate", "movie_title", titles.size(), 32)), List.of(
                RankingTask.rating("rating", List.of("query", "candidate"), RankingModels.RATING, 1.0, 256, 128),
                RetrievalTask.of("query", "candidate")));
        RankingModels.Model m = new RankingModels.Model(spec, Map.of("user_id", users, "movie_title", titles));
        Map<String, Map<String, Double>> results = new LinkedHashMap<>();
        for (String backend : List.of("tensorflow", "nd4j")) {
            Map<String, Task> tasks = new LinkedHashMap<>(rating("root_mean_squared_error"));
            tasks.put("retrieval", new Retrieval(new FactorizedTopK(List.of(data.movies().strings("movie_title")))));
            results.put(backend, trainOn(backend, m, tasks, new Adagrad(0.1), 1, train, test).test());
        }
        for (String k : List.of("root_mean_squared_error", FactorizedTopK.metricName(100), "loss")) {
            assertEquals(results.get("tensorflow").get(k), results.get("nd4j").get(k),
                    1e-3 * Math.max(1, Math.abs(results.get("nd4j").get(k))), k);
        }
    }

    @Test
    void theDcnModelsTrainTheSameWithAdamOnBothTrainers() {
        Interactions all = RankingModels.dcnFeatures(data.ratings());
        Interactions shuffled = all.shuffle(42);
        for (RankingModels.DcnKind kind : RankingModels.DcnKind.values()) {
            RankingModels.Model m = RankingModels.dcn(all, 32, kind);
            Trained tf = trainOn("tensorflow", m, rating("RMSE"), new Adam(0.01), 1, shuffled.take(80_000),
                    shuffled.skip(80_000));
            Trained nd = trainOn("nd4j", m, rating("RMSE"), new Adam(0.01), 1, shuffled.take(80_000),
                    shuffled.skip(80_000));
            assertEquals(tf.test().get("RMSE"), nd.test().get("RMSE"), 2e-3, kind.label);
            assertArrayEquals(tf.predictions(), nd.predictions(), 5e-3f, kind.label);
        }
    }
}
