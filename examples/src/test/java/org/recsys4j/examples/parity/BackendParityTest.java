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
 * One bundle, every backend: a model trained on one backend gives the same embeddings and the
 * same metrics when evaluated on another, and the same seed trains to the same metrics on both.
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
        Interactions shuffled = data.ratings().shuffle(42);
        train = shuffled.take(80_000);
        test = shuffled.skip(80_000).take(20_000);
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

    /**
     * Hard-negative mining is discontinuous: once the weights have moved, two logits at the k-th
     * place can differ by float roundoff alone and the backends may keep different columns. Two
     * steps (the same weights after each was checked) stay clear of that on these batches.
     */
    private static final int STEPS = 2;

    /** Steps under each Retrieval option give the same weights on both trainers. */
    @Test
    void everyRetrievalOptionTrainsTheSameOnBothTrainers() {
        for (org.recsys4j.testing.OptionsCase c : org.recsys4j.testing.OptionsCase.all(33)) {
            trainOnBothAndCompare(c.bundle(), c.batch(), c.toString());
        }
    }

    /** {@link #STEPS} steps on each trainer from the bundle's weights; the weights after them agree within 1e-5. */
    private static org.recsys4j.model.Weights trainOnBothAndCompare(ModelBundle start,
            org.recsys4j.spi.FeatureBatch batch, String what) {
        Map<String, org.recsys4j.model.Weights> after = new java.util.LinkedHashMap<>();
        for (String backend : List.of("tensorflow", "nd4j")) {
            try (var trainer = Backends.get(backend).trainer(start.spec(), start.vocabularies(), start.weights(),
                    new Adagrad(0.1), BackendOptions.none())) {
                for (int step = 0; step < STEPS; step++) {
                    trainer.trainStep(batch);
                }
                after.put(backend, trainer.weights());
            }
        }
        for (String name : after.get("tensorflow").names()) {
            float[] tf = after.get("tensorflow").get(name).data();
            float[] nd = after.get("nd4j").get(name).data();
            for (int i = 0; i < tf.length; i++) {
                assertEquals(tf[i], nd[i], 1e-5, what + ": " + name + "[" + i + "]");
            }
        }
        return after.get("tensorflow");
    }

    /** Towers with context and derived features: the same weights on both trainers, and one bundle reads the same. */
    @Test
    void featuresBesidesTheIdTrainTheSameOnBothTrainers() {
        var c = org.recsys4j.testing.FeatureCase.random(8, new RetrievalTaskSpec(0.9, 0.02));
        ModelBundle trained = new ModelBundle(c.bundle().spec(), c.bundle().vocabularies(),
                trainOnBothAndCompare(c.bundle(), c.batch(), "features"), null, null);
        Embeddings[] out = new Embeddings[2];
        for (String backend : List.of("tensorflow", "nd4j")) {
            try (var inference = Backends.get(backend).inference(trained, BackendOptions.none())) {
                Embeddings q = inference.queryTower().embedIndices(c.users(), c.context());
                assertTrue(q.maxAbsDifference(trained.javaQueryTower().embedIndices(c.users(), c.context())) < 1e-5,
                        backend);
                out[backend.equals("tensorflow") ? 0 : 1] = q;
            }
        }
        assertTrue(out[0].maxAbsDifference(out[1]) < 1e-5);
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
