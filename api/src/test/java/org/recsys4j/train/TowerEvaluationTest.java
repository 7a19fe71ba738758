package org.recsys4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.metrics.FactorizedTopK;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Tower;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.task.Retrieval;
import org.recsys4j.testing.FeatureCase;
import org.recsys4j.testing.TestData;
import org.recsys4j.vocab.StringLookup;

/** Evaluation from towers alone, on the real MovieLens ratings. */
class TowerEvaluationTest {
    @Test
    void matchesOneBigBatchOfTheMetricAndReportsTheLastBatchLoss() {
        MovieLensData ml = TestData.ml100k();
        ModelBundle bundle = TestData.untrainedMovieLensBundle(ml, 8, 3);
        Tower query = bundle.javaQueryTower();
        Tower candidate = bundle.javaCandidateTower();
        List<String> movies = List.of(ml.movies().strings("movie_title"));
        Interactions test = TestData.tutorialSplit(ml.ratings()).test().take(2_500);

        Retrieval task = new Retrieval(new FactorizedTopK(movies));
        Map<String, Double> logs = TowerEvaluation.evaluate(task, query, candidate, test, 1000);

        FactorizedTopK whole = new FactorizedTopK(movies);
        Embeddings q = query.embed(test.strings("user_id"));
        Embeddings p = candidate.embed(test.strings("movie_title"));
        whole.update(q, p, candidate);
        whole.result().forEach((name, value) -> assertEquals(value, logs.get(name), 1e-12, name));
        assertTrue(logs.get(FactorizedTopK.metricName(100)) > 0, "some positives rank in the top 100");

        Interactions last = test.skip(2_000);
        double lastLoss = task.loss(query.embed(last.strings("user_id")), candidate.embed(last.strings("movie_title")),
                null);
        assertEquals(lastLoss, logs.get("loss"), 1e-9);
        assertEquals(List.of(FactorizedTopK.metricName(1), FactorizedTopK.metricName(5), FactorizedTopK.metricName(10),
                FactorizedTopK.metricName(50), FactorizedTopK.metricName(100), "loss", "regularization_loss",
                "total_loss"), List.copyOf(logs.keySet()));
    }

    @Test
    void aQueryTowerWithContextIsEvaluatedWithEachExamplesContext() {
        FeatureCase fc = FeatureCase.random(11, RetrievalTaskSpec.defaults());
        ModelBundle bundle = fc.bundle();
        StringLookup users = bundle.vocabulary(bundle.spec().query());
        StringLookup items = bundle.vocabulary(bundle.spec().candidate());
        StringLookup buckets = bundle.vocabularies().get("bucket");
        int[] it = fc.batch().feature("item");
        int[] b = fc.context().rows("bucket");
        Interactions data = Interactions.builder()
                .strings("user_id", java.util.Arrays.stream(fc.users()).mapToObj(users::token).toArray(String[]::new))
                .strings("item", java.util.Arrays.stream(it).mapToObj(items::token).toArray(String[]::new))
                .strings("bucket", java.util.Arrays.stream(b).mapToObj(buckets::token).toArray(String[]::new))
                .numbers("score", toDoubles(fc.context().values("score")))
                .build();
        Tower query = bundle.javaQueryTower();
        Tower candidate = bundle.javaCandidateTower();
        List<String> all = items.vocabulary();
        Map<String, Double> logs = TowerEvaluation.evaluate(new Retrieval(new FactorizedTopK(all)), query, candidate,
                data, 64, contextWithNumeric(buckets));
        Map<String, Double> idsOnly = TowerEvaluation.evaluate(new Retrieval(new FactorizedTopK(all)), query,
                candidate, data, 64);

        FactorizedTopK whole = new FactorizedTopK(all);
        whole.update(query.embedIndices(fc.users(), fc.context()), candidate.embedIndices(it), candidate);
        whole.result().forEach((name, value) -> assertEquals(value, logs.get(name), 1e-12, name));
        assertTrue(java.util.Arrays.stream(FactorizedTopK.DEFAULT_KS).anyMatch(k -> !logs.get(
                FactorizedTopK.metricName(k)).equals(idsOnly.get(FactorizedTopK.metricName(k)))),
                "the context changes the ranking: " + logs + " vs " + idsOnly);
    }

    /** The bucket's vocabulary and the numeric "score", which has none (null: read data's numeric column). */
    private static Map<String, StringLookup> contextWithNumeric(StringLookup buckets) {
        Map<String, StringLookup> m = new java.util.LinkedHashMap<>();
        m.put("bucket", buckets);
        m.put("score", null);
        return m;
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
