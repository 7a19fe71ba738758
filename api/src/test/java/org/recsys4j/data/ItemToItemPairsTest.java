package org.recsys4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.recsys4j.testing.TestData;

class ItemToItemPairsTest {
    private static Interactions history() {
        // user 1 watched C, A, B, D in time order (rows out of order, B and D at the same time);
        // user 2 watched A then E, and A again (a repeated title is not paired with itself)
        return Interactions.builder()
                .strings("user_id", new String[] {"1", "2", "1", "1", "2", "1", "2"})
                .strings("movie_title", new String[] {"A", "E", "C", "B", "A", "D", "A"})
                .numbers("timestamp", new double[] {20, 200, 10, 30, 100, 30, 300})
                .build();
    }

    private static List<String> pairs(Interactions p) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < p.size(); i++) {
            out.add(p.strings("user_id")[i] + ":" + p.strings("query_movie_title")[i] + ">"
                    + p.strings("movie_title")[i]);
        }
        return out;
    }

    @Test
    void windowOnePairsNeighboursInTimeBothWays() {
        Interactions p = ItemToItemPairs.of(history(), "user_id", "movie_title", "timestamp", 1);
        // user 1 in time order: C(10) A(20) B(30, row 3) D(30, row 5): equal times keep row order
        assertEquals(List.of("1:C>A", "1:A>C", "1:A>B", "1:B>A", "1:B>D", "1:D>B",
                "2:A>E", "2:E>A", "2:E>A", "2:A>E"), pairs(p));
    }

    @Test
    void widerWindowsReachFurther() {
        Interactions p = ItemToItemPairs.of(history(), "user_id", "movie_title", "timestamp", 2);
        assertEquals(List.of("1:C>A", "1:C>B", "1:A>C", "1:A>B", "1:A>D", "1:B>C", "1:B>A", "1:B>D", "1:D>A", "1:D>B",
                "2:A>E", "2:E>A", "2:E>A", "2:A>E"), pairs(p), "user 2's A is never paired with the other A");
        assertEquals("query_movie_title", ItemToItemPairs.queryFeature("movie_title"));
    }

    @Test
    void badInputIsNamed() {
        assertThrows(IllegalArgumentException.class,
                () -> ItemToItemPairs.of(history(), "user_id", "movie_title", "timestamp", 0));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ItemToItemPairs.of(history(), "user_id", "movie_title", "time", 1)).getMessage()
                .contains("time"));
    }

    @Test
    void realMovieLensHistoriesGiveAboutTwoWindowsOfPairsPerRating() {
        Interactions ratings = TestData.ml100k().ratings();
        Interactions p = ItemToItemPairs.of(ratings, "user_id", "movie_title", "timestamp", 3);
        // 943 users, each with at least 20 ratings: every rating pairs with up to 3 before and 3 after,
        // less at the ends of a history and where the same title sits next to itself
        assertTrue(p.size() > 6 * ratings.size() - 6 * 2 * 943 - 1000 && p.size() <= 6 * ratings.size(),
                "pairs: " + p.size());
        for (int i = 0; i < p.size(); i += 997) {
            assertTrue(!p.strings("query_movie_title")[i].equals(p.strings("movie_title")[i]));
        }
    }
}
