package org.recsys4j.examples.tutorial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.recsys4j.data.Interactions;
import org.recsys4j.split.Split;
import org.recsys4j.split.SplitSpec;
import org.recsys4j.split.Splits;
import org.recsys4j.vocab.StringLookup;

class RankingProtocolTest {
    @Test
    void thePreviousTitleIsTheUsersLatestTrainingRatingBeforeByHand() {
        // user a: times 3 (x), 1 (y), 2 (z), 5 (w); user b: 4 (v), 4 (u, later in the file: the later one)
        Interactions ratings = Interactions.builder()
                .strings("user_id", new String[] {"a", "a", "b", "a", "b", "a"})
                .strings("movie_title", new String[] {"x", "y", "v", "z", "u", "w"})
                .numbers("timestamp", new double[] {3, 1, 4, 2, 4, 5})
                .build();
        int[] users = {0, 0, 1, 0, 1, 0};
        long[] time = Splits.sortable(ratings.numbers("timestamp"));
        // last:1 holds out a's w (time 5) and b's u (the later row of the tie)
        Split split = SplitSpec.parse("last:1").apply(6, users, time, 1);
        assertArrayEquals(new int[] {4, 5}, split.test());
        String none = StringLookup.OOV_TOKEN;
        // a in time order: y, z, x, w; b: v, u
        assertArrayEquals(new String[] {"z", none, none, "y", "v", "x"},
                RankingProtocol.previousTrainingItem(ratings, split, "movie_title"));
        // under last:2 x is test too: w's previous is then z, the latest one trained on
        Split two = SplitSpec.parse("last:2").apply(6, users, time, 1);
        assertArrayEquals(new String[] {"z", none, none, "y", "v", "z"},
                RankingProtocol.previousTrainingItem(ratings, two, "movie_title"));
    }
}
