package org.recsys4j.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.metrics.FactorizedTopK;
import org.recsys4j.metrics.ServedTopK;
import org.recsys4j.testing.TestData;

class PopularityBaselineTest {
    private static Interactions titles(String... t) {
        return Interactions.builder().strings("movie_title", t).build();
    }

    @Test
    void ranksByTrainingCountByHand() {
        Interactions train = titles("a", "a", "a", "b", "b", "c");
        // scores: a 3, b 2, c 1, and d and e, never seen, tie at 0
        Interactions test = titles("a", "b", "c", "d");
        Map<String, Double> m = PopularityBaseline.evaluate(train, test, List.of("a", "b", "c", "d", "e"),
                "movie_title", 1, 2, 3, 4);
        assertEquals(0.25, m.get(FactorizedTopK.metricName(1)), "only the a query is a hit at 1");
        assertEquals(0.5, m.get(FactorizedTopK.metricName(2)));
        assertEquals(0.75, m.get(FactorizedTopK.metricName(3)));
        assertEquals(1.0, m.get(FactorizedTopK.metricName(4)), "d is in at 4: its tie with e counts for it");
        assertEquals(0.75, m.get(FactorizedTopK.tieRobustName(4)), "and against it in the tie-robust variant");
    }

    @Test
    void theServedViewRanksOnlyWhatTheUserHasNotRatedByHand() {
        // counts: a 3, b 2, c 1, d and e 0
        Interactions train = Interactions.builder()
                .strings("user_id", new String[] {"u1", "u1", "u2", "u3", "u2", "u3"})
                .strings("movie_title", new String[] {"a", "b", "a", "a", "b", "c"}).build();
        Interactions test = Interactions.builder().strings("user_id", new String[] {"u1", "u3", "u3", "u4"})
                .strings("movie_title", new String[] {"c", "b", "c", "d"}).build();
        // u1/c: a, b rated, d and e below: 0 ahead. u3/b: a, c rated: 0 ahead. u3/c, rated before and
        // still ranked: b ahead. u4/d, nothing rated: a, b, c and e (tied at 0) ahead.
        Map<String, Double> m = PopularityBaseline.evaluateServed(train, test, List.of("a", "b", "c", "d", "e"),
                "user_id", "movie_title", 1, 2, 4, 5);
        assertEquals(0.5, m.get(ServedTopK.metricName(1)));
        assertEquals(0.75, m.get(ServedTopK.metricName(2)));
        assertEquals(0.75, m.get(ServedTopK.metricName(4)));
        assertEquals(1.0, m.get(ServedTopK.metricName(5)));
        Map<String, Double> plain = PopularityBaseline.evaluate(train, test, List.of("a", "b", "c", "d", "e"),
                "movie_title", 1, 2, 4, 5);
        assertEquals(0.0, plain.get(FactorizedTopK.metricName(1)), "unserved, c is third and b second");
    }

    @Test
    void onTheSeedSplitTheServedViewBeatsTheUnserved() {
        MovieLensData data = TestData.ml100k();
        TestData.TrainTest split = TestData.tutorialSplit(data.ratings());
        Interactions train = split.train();
        Interactions test = split.test();
        List<String> movies = List.of(data.movies().strings("movie_title"));
        Map<String, Double> plain = PopularityBaseline.evaluate(train, test, movies, "movie_title");
        Map<String, Double> served = PopularityBaseline.evaluateServed(train, test, movies, "user_id", "movie_title");
        for (int k : FactorizedTopK.DEFAULT_KS) {
            assertTrue(served.get(ServedTopK.metricName(k)) >= plain.get(FactorizedTopK.tieRobustName(k)),
                    "top-" + k + ": served " + served + ", plain " + plain);
        }
        double served10 = served.get(ServedTopK.metricName(10));
        double plain10 = plain.get(FactorizedTopK.metricName(10));
        assertTrue(served10 > 1.5 * plain10, "served top-10 " + served10 + " vs " + plain10);
    }

    @Test
    void onTheSeedSplitPopularityBeatsTheSeedModelAtTop100() {
        MovieLensData data = TestData.ml100k();
        TestData.TrainTest split = TestData.tutorialSplit(data.ratings());
        Map<String, Double> m = PopularityBaseline.evaluate(split.train(), split.test(),
                List.of(data.movies().strings("movie_title")), "movie_title");
        double top100 = m.get(FactorizedTopK.metricName(100));
        assertTrue(top100 > 0.25 && top100 < 0.35, "popularity top-100 " + top100 + " (about 0.30 per the study)");
    }
}
