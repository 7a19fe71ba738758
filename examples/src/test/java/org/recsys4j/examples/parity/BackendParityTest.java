package org.recsys4j.examples.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.metrics.FactorizedTopK;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Tower;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.Backends;
import org.recsys4j.spi.Inference;
import org.recsys4j.task.Retrieval;
import org.recsys4j.testing.TestData;
import org.recsys4j.train.Progress;
import org.recsys4j.train.RetrievalModel;
import org.recsys4j.vocab.StringLookup;

/**
 * One bundle, every backend, on the real MovieLens files: a model trained on one backend gives
 * the same embeddings and the same metrics when evaluated on another, and the same seed trains to
 * the same metrics on both. {@link TrainerParityTest} does the same on synthetic batches.
 */
class BackendParityTest {
    private static MovieLensData data;
    private static Interactions train;
    private static Interactions test;
    private static StringLookup users;
    private static StringLookup titles;
    private static List<String> movies;

    @BeforeAll
    static void load() {
        data = TestData.ml100k();
        TestData.TrainTest split = TestData.tutorialSplit(data.ratings());
        train = split.train();
        test = split.test();
        users = StringLookup.ofUnique(data.ratings().strings("user_id"));
        titles = StringLookup.ofUnique(data.movies().strings("movie_title"));
        movies = List.of(data.movies().strings("movie_title"));
    }

    private static RetrievalSpec spec() {
        return new RetrievalSpec(TowerSpec.embedding("query", "user_id", users.size(), 32),
                TowerSpec.embedding("candidate", "movie_title", titles.size(), 32), RetrievalTaskSpec.defaults());
    }

    /** Trains the seed config on {@code backend} and returns the bundle and its test metrics. */
    private static Map.Entry<ModelBundle, Map<String, Double>> trainOn(String backend, int epochs) {
        try (RetrievalModel model = new RetrievalModel(spec(), Map.of("user_id", users, "movie_title", titles),
                new Retrieval(new FactorizedTopK(movies)), Backends.get(backend), new Adagrad(0.1), 42)) {
            model.computeTrainingMetrics(false);
            model.fit(train, 8192, epochs, Progress.silent());
            return Map.entry(model.toBundle(null, null), model.evaluate(test, 4096));
        }
    }

    /** Test metrics of a bundle through another backend's towers. */
    private static Map<String, Double> evaluateOn(String backend, ModelBundle bundle, Embeddings[] embeddingsOut) {
        try (Inference inference = Backends.get(backend).inference(bundle, BackendOptions.none())) {
            Tower q = inference.queryTower();
            Tower c = inference.candidateTower();
            FactorizedTopK metric = new FactorizedTopK(movies);
            metric.update(q.embed(test.strings("user_id")), c.embed(test.strings("movie_title")), c);
            embeddingsOut[0] = q.embed(users.vocabulary().toArray(String[]::new));
            embeddingsOut[1] = c.embed(movies.toArray(String[]::new));
            return metric.result();
        }
    }

    @Test
    void aBundleGivesTheSameEmbeddingsAndMetricsOnEveryBackend() {
        for (String trainer : List.of("tensorflow", "nd4j")) {
            var trained = trainOn(trainer, 1);
            Embeddings[] tf = new Embeddings[2];
            Embeddings[] nd = new Embeddings[2];
            Map<String, Double> onTf = evaluateOn("tensorflow", trained.getKey(), tf);
            Map<String, Double> onNd = evaluateOn("nd4j", trained.getKey(), nd);
            assertTrue(tf[0].maxAbsDifference(nd[0]) <= 1e-5, "query embeddings, trained on " + trainer);
            assertTrue(tf[1].maxAbsDifference(nd[1]) <= 1e-5, "candidate embeddings, trained on " + trainer);
            for (String k : onTf.keySet()) {
                assertEquals(onTf.get(k), onNd.get(k), 1e-4, k + ", trained on " + trainer);
                assertEquals(trained.getValue().get(k), onNd.get(k), 1e-4, k + " against the trainer's own evaluate");
            }
        }
    }

    @Test
    void theSeedTrainsToTheSameMetricsOnBothTrainers() {
        Map<String, Double> tf = trainOn("tensorflow", 3).getValue();
        Map<String, Double> nd = trainOn("nd4j", 3).getValue();
        for (String k : List.of(FactorizedTopK.metricName(10), FactorizedTopK.metricName(50),
                FactorizedTopK.metricName(100))) {
            assertEquals(tf.get(k), nd.get(k), 0.01, k);
        }
        double top100 = nd.get(FactorizedTopK.metricName(100));
        double top50 = nd.get(FactorizedTopK.metricName(50));
        assertTrue(top100 >= 0.20 && top100 <= 0.27, "test top-100 " + top100 + " in the seed's band");
        assertTrue(top50 >= 0.09 && top50 <= 0.15, "test top-50 " + top50 + " in the seed's band");
    }
}
