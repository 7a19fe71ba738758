package org.recsys4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GradedNdcgTest {
    @Test
    void gainsByRatingOverTheIdealOrder() {
        Map<String, Double> gains = Map.of("a", 5.0, "b", 3.0, "c", 1.0);
        assertEquals(1.0, GradedNdcg.at(List.of("a", "b", "c"), gains, 10), 1e-12);
        // b first, then a: (3 + 5 / log2 3) / (5 + 3 / log2 3 + 1 / 2)
        double log3 = Math.log(3) / Math.log(2);
        assertEquals((3 + 5 / log3) / (5 + 3 / log3 + 0.5), GradedNdcg.at(List.of("b", "a", "x"), gains, 10), 1e-12);
        // cut at k = 1: only the first position counts, against the best single item
        assertEquals(3.0 / 5, GradedNdcg.at(List.of("b", "a"), gains, 1), 1e-12);
        assertEquals(0.0, GradedNdcg.at(List.of("x", "y"), gains, 10));
        assertEquals(0.0, GradedNdcg.at(List.of("a"), Map.of(), 10));
    }
}
