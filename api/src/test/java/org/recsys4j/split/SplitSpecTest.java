package org.recsys4j.split;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.testing.TestData;

class SplitSpecTest {
    @Test
    void parsesAndPrintsEachForm() {
        for (String s : new String[] {"random:0.8", "temporal:0.8", "last:1", "last:5", "last:0.2", "tfds:0.8"}) {
            assertEquals(s, SplitSpec.parse(s).toString());
        }
        assertEquals(new SplitSpec(SplitSpec.Kind.LAST, 0, 3), SplitSpec.parse("last:3"));
        assertEquals(new SplitSpec(SplitSpec.Kind.LAST, 0.2, 0), SplitSpec.parse(" LAST : 0.2 "));
        assertEquals(SplitSpec.seedDefault(), SplitSpec.parse("random:0.8"));
    }

    @Test
    void badSpecsSayWhatIsWrong() {
        assertMessage("'shuffle' is not one of random, temporal, last", "shuffle:0.8");
        assertMessage("got 'random'", "random");
        assertMessage("the fraction must be between 0 and 1", "random:1.5");
        assertMessage("the fraction must be between 0 and 1", "temporal:5");
        assertMessage("last:N needs N of 1 or more", "last:0");
        assertMessage("the fraction must be between 0 and 1", "last:1.0");
        assertMessage("'abc' is not a number", "last:abc");
        assertMessage("got nothing", "");
    }

    private static void assertMessage(String expected, String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SplitSpec.parse(spec));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void randomIsTheSeedsShuffleRowForRow() {
        String[] ids = IntStream.range(0, 1000).mapToObj(Integer::toString).toArray(String[]::new);
        Interactions table = Interactions.builder().strings("id", ids).build();
        Interactions shuffled = table.shuffle(42);
        Split split = SplitSpec.parse("random:0.8").apply(1000, null, null, 42);
        assertEquals(800, split.train().length);
        assertEquals(200, split.test().length);
        String[] order = shuffled.strings("id");
        for (int i = 0; i < 800; i++) {
            assertEquals(order[i], ids[split.train()[i]]);
        }
        for (int i = 0; i < 200; i++) {
            assertEquals(order[800 + i], ids[split.test()[i]]);
        }
    }

    @Test
    void temporalCutsAtAGlobalTimeTiesInFileOrderByHand() {
        long[] time = {5, 1, 3, 3, 2};
        // by time: rows 1 (1), 4 (2), 2 (3), 3 (3: after row 2 in the file), 0 (5); the first 3 train
        Split split = SplitSpec.parse("temporal:0.6").apply(5, null, time, 7);
        assertArrayEquals(new int[] {0, 3}, split.test());
        assertArrayEquals(new int[] {1, 2, 4}, sorted(split.train()));
    }

    @Test
    void lastFractionByHand() {
        // user 0: one rating (no test); user 1: two (1 test); user 2: eight (round(1.6) = 2 test);
        // user 3: thirteen (round(2.6) = 3 test)
        int[] counts = {1, 2, 8, 13};
        int n = Arrays.stream(counts).sum();
        int[] users = new int[n];
        long[] time = new long[n];
        int r = 0;
        for (int u = 0; u < counts.length; u++) {
            for (int k = 0; k < counts[u]; k++) {
                users[r] = u;
                time[r] = 1000 - k; // each user's rows come newest first in the file
                r++;
            }
        }
        Split split = SplitSpec.parse("last:0.2").apply(n, users, time, 1);
        // the newest are each user's first rows in the file
        assertArrayEquals(new int[] {1, 3, 4, 11, 12, 13}, split.test());
        assertEquals(n - 6, split.train().length);
    }

    @Test
    void lastRoundsHalfToEven() {
        // last:0.1 of 25 is 2.5: 2 (half to even); of 5 is 0.5, so 0, then at least 1
        assertEquals(2, testRowsOfOneUser("last:0.1", 25));
        assertEquals(1, testRowsOfOneUser("last:0.1", 5));
        assertEquals(4, testRowsOfOneUser("last:0.1", 35));
    }

    @Test
    void lastCountLeavesEveryUserOneTrainingRow() {
        assertEquals(3, testRowsOfOneUser("last:3", 10));
        assertEquals(3, testRowsOfOneUser("last:5", 4));
        assertEquals(0, testRowsOfOneUser("last:5", 1));
    }

    private static int testRowsOfOneUser(String spec, int n) {
        long[] time = new long[n];
        for (int i = 0; i < n; i++) {
            time[i] = i;
        }
        return SplitSpec.parse(spec).apply(n, new int[n], time, 1).test().length;
    }

    @Test
    void lastKeepsTiesInFileOrder() {
        // one user, times 9, 5, 9, 5: by time rows 1, 3 (the two 5s, file order), then 0, 2 (the 9s)
        Split split = SplitSpec.parse("last:1").apply(4, new int[4], new long[] {9, 5, 9, 5}, 1);
        assertArrayEquals(new int[] {2}, split.test());
        Split two = SplitSpec.parse("last:3").apply(4, new int[4], new long[] {9, 5, 9, 5}, 1);
        assertArrayEquals(new int[] {0, 2, 3}, two.test());
    }

    @Test
    void trainingRowsComeInASeededOrder() {
        long[] time = new long[200];
        int[] users = new int[200];
        for (int i = 0; i < 200; i++) {
            time[i] = i;
            users[i] = i % 7;
        }
        Split a = SplitSpec.parse("last:0.2").apply(200, users, time, 3);
        Split b = SplitSpec.parse("last:0.2").apply(200, users, time, 3);
        Split c = SplitSpec.parse("last:0.2").apply(200, users, time, 4);
        assertArrayEquals(a.train(), b.train());
        assertArrayEquals(sorted(a.train()), sorted(c.train()), "the seed moves the order, not the rows");
        assertTrue(!Arrays.equals(a.train(), c.train()));
    }

    @Test
    void doubleTimestampsOrderExactly() {
        long[] s = Splits.sortable(new double[] {-2.5, -1.0, 0.0, -0.0, 1e-9, 881250949.0, 881250950.0});
        for (int i = 1; i < s.length; i++) {
            assertTrue(s[i - 1] <= s[i], "at " + i);
        }
        assertEquals(s[2], s[3]);
        assertThrows(IllegalArgumentException.class, () -> Splits.sortable(new double[] {Double.NaN}));
    }

    @Test
    void columnsOfTheWrongLengthAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SplitSpec.parse("last:1").apply(3, new int[2], new long[3], 1));
        assertTrue(e.getMessage().contains("users column has 2 rows, expected 3"), e.getMessage());
    }

    @Test
    void onMovieLens100kEachRuleSplitsAsDocumented() {
        MovieLensData data = TestData.ml100k();
        Interactions ratings = data.ratings();
        int[] users = Splits.encode(ratings.strings("user_id"));
        long[] time = Splits.sortable(ratings.numbers("timestamp"));
        int n = ratings.size();
        Split last = SplitSpec.parse("last:0.2").apply(n, users, time, 42);
        // every one of the 943 users has at least 20 ratings: a fifth of each, 20,000 in all (as numpy finds)
        assertEquals(20_000, last.test().length);
        Split temporal = SplitSpec.parse("temporal:0.8").apply(n, users, time, 42);
        assertEquals(80_000, temporal.train().length);
        long cutoff = Arrays.stream(temporal.train()).mapToLong(r -> time[r]).max().orElseThrow();
        assertTrue(Arrays.stream(temporal.test()).allMatch(r -> time[r] >= cutoff));
        Split random = SplitSpec.parse("random:0.8").apply(n, users, time, 42);
        Interactions shuffled = ratings.shuffle(42);
        assertArrayEquals(shuffled.take(80_000).numbers("timestamp"),
                Arrays.stream(random.train()).mapToDouble(r -> ratings.numbers("timestamp")[r]).toArray());
    }

    /**
     * tfds:0.8 on MovieLens 100k is the TFRS tutorials' split: TFDS's first two records are the two
     * the tutorials print from movie_lens/100k-ratings (user 138 rating movie 357 4 stars at
     * 879024327, then user 92 rating 709), and the shuffle's first rows are TensorFlow's own
     * (TfDataShuffleKernelTest checks the shuffle against the kernel).
     */
    @Test
    void tfdsIsTheTutorialsSplitOnMovieLens100k() {
        Interactions ratings = TestData.ml100k().ratings();
        int n = ratings.size();
        int[] records = TfdsRecordOrder.of(n, "train");
        String[] user = ratings.strings("user_id");
        String[] movie = ratings.strings("movie_id");
        double[] time = ratings.numbers("timestamp");
        assertEquals("138 357 879024327", user[records[0]] + " " + movie[records[0]] + " " + (long) time[records[0]]);
        assertEquals("92 709 875654590", user[records[1]] + " " + movie[records[1]] + " " + (long) time[records[1]]);
        // what tf.data's shuffle(100_000, seed=42, reshuffle_each_iteration=False) yields first, after
        // tf.random.set_seed(42), as TensorFlow's kernel gives it
        assertArrayEquals(new int[] {50633, 33113, 42358, 88434, 45144},
                Arrays.copyOf(TfDataShuffle.order(n, 100_000, 42, 42), 5));
        Split tfds = SplitSpec.parse("tfds:0.8").apply(n, null, null, 42);
        assertEquals(80_000, tfds.train().length);
        assertEquals(20_000, tfds.test().length);
        assertEquals(records[50633], tfds.train()[0]);
        int[] all = java.util.stream.IntStream.concat(Arrays.stream(tfds.train()), Arrays.stream(tfds.test()))
                .sorted().toArray();
        assertArrayEquals(IntStream.range(0, n).toArray(), all);
        // not Java's shuffle: about a fifth of the test rows are in the random:0.8 split's test set, as for any two
        java.util.Set<Integer> javaTest = new java.util.HashSet<>();
        for (int r : SplitSpec.parse("random:0.8").apply(n, null, null, 42).test()) {
            javaTest.add(r);
        }
        long common = Arrays.stream(tfds.test()).filter(javaTest::contains).count();
        assertTrue(common > 3_500 && common < 4_500, "common test rows " + common);
    }

    @Test
    void tfDataSeedsAreGetSeeds() {
        assertArrayEquals(new long[] {42, 42}, TfDataShuffle.pythonSeeds(42, 42));
        assertArrayEquals(new long[] {0, Integer.MAX_VALUE}, TfDataShuffle.pythonSeeds(0, 0));
        assertArrayEquals(new long[] {1, 0}, TfDataShuffle.pythonSeeds(Integer.MAX_VALUE + 1L, Integer.MAX_VALUE));
        // tf.data's first epoch under reshuffle_each_iteration=True, seeds (42, 478163327): the kernel's order
        assertArrayEquals(new int[] {26235, 51621, 77296},
                Arrays.copyOf(TfDataShuffle.firstReshuffledOrder(80_000, 100_000, 42, 478163327), 3));
    }

    private static int[] sorted(int[] rows) {
        int[] out = rows.clone();
        Arrays.sort(out);
        return out;
    }

    /** By hand: each row's user's latest training row before it, by time, ties in file order; -1 for none. */
    @Test
    void thePreviousTrainingRowByHand() {
        // user 0: rows 0 (t 3), 1 (t 1), 3 (t 2), 5 (t 5); user 1: rows 2 (t 4), 4 (t 4, later in the file)
        int[] users = {0, 0, 1, 0, 1, 0};
        long[] time = {3, 1, 4, 2, 4, 5};
        Split last1 = SplitSpec.parse("last:1").apply(6, users, time, 1);
        assertArrayEquals(new int[] {4, 5}, last1.test());
        // user 0 in time order: 1, 3, 0, 5; user 1: 2, 4
        assertArrayEquals(new int[] {3, -1, -1, 1, 2, 0}, Splits.previousTrainingRow(users, time, last1));
        // under last:2 row 0 is test too (user 1 keeps one training row): row 5's previous is then row 3
        Split last2 = SplitSpec.parse("last:2").apply(6, users, time, 1);
        assertArrayEquals(new int[] {3, -1, -1, 1, 2, 3}, Splits.previousTrainingRow(users, time, last2));
        assertThrows(IllegalArgumentException.class, () -> Splits.previousTrainingRow(new int[] {0}, new long[] {1},
                last1));
    }
}
