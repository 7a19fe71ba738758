package org.recsys4j.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.metrics.FactorizedTopK;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.Backends;
import org.recsys4j.task.Retrieval;
import org.recsys4j.testing.TestData;
import org.recsys4j.train.History;
import org.recsys4j.train.Progress;
import org.recsys4j.train.RetrievalModel;
import org.recsys4j.vocab.StringLookup;

/** One epoch of the tutorial's model on the real MovieLens 100k files. */
class MovieLensTrainingTest {
    @Test
    void oneEpochOnTheRealDataLowersTheTestLossAndLearnsSomething() {
        MovieLensData data = TestData.ml100k();
        TestData.TrainTest split = TestData.tutorialSplit(data.ratings());
        Interactions train = split.train();
        Interactions test = split.test();
        StringLookup users = StringLookup.ofUnique(data.ratings().strings("user_id"));
        StringLookup titles = StringLookup.ofUnique(data.movies().strings("movie_title"));
        RetrievalSpec spec = new RetrievalSpec(TowerSpec.embedding("query", "user_id", users.size(), 32),
                TowerSpec.embedding("candidate", "movie_title", titles.size(), 32), RetrievalTaskSpec.defaults());
        List<String> candidates = List.of(data.movies().strings("movie_title"));
        Retrieval task = new Retrieval(new FactorizedTopK(candidates));
        try (RetrievalModel model = new RetrievalModel(spec, Map.of("user_id", users, "movie_title", titles), task,
                Backends.get("tensorflow"), new Adagrad(0.1), 42)) {
            model.computeTrainingMetrics(false);
            Map<String, Double> before = model.evaluate(test, 4096);
            // an untrained model is no better than chance: top-100 of 1682 is about 0.06
            assertTrue(before.get(FactorizedTopK.metricName(100)) < 0.12, before.toString());
            History history = model.fit(train, 8192, 1, Progress.silent());
            assertEquals(1, history.epochs().size());
            assertEquals(80_000, history.last().examples());
            Map<String, Double> after = model.evaluate(test, 4096);
            assertTrue(after.get("loss") < before.get("loss"), before + " -> " + after);
            assertTrue(after.get(FactorizedTopK.metricName(100)) > 0.15, after.toString());
        }
    }
}
