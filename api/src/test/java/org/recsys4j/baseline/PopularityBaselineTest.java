package org.recsys4j.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.metrics.FactorizedTopK;
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
    void onTheSeedSplitPopularityBeatsTheSeedModelAtTop100() {
        MovieLensData data = TestData.ml100k();
        Interactions shuffled = data.ratings().shuffle(42);
        Map<String, Double> m = PopularityBaseline.evaluate(shuffled.take(80_000), shuffled.skip(80_000).take(20_000),
                List.of(data.movies().strings("movie_title")), "movie_title");
        double top100 = m.get(FactorizedTopK.metricName(100));
        assertTrue(top100 > 0.25 && top100 < 0.35, "popularity top-100 " + top100 + " (about 0.30 per the study)");
    }
}
