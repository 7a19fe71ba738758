package org.recsys4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.recsys4j.testing.TestData;

class InteractionsTest {
    private static Interactions numbered(int n) {
        String[] ids = new String[n];
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            ids[i] = "u" + i;
            values[i] = i;
        }
        return Interactions.builder().strings("user_id", ids).numbers("value", values).build();
    }

    @Test
    void shuffleIsSeededAndKeepsRowsTogether() {
        Interactions data = numbered(1000);
        Interactions a = data.shuffle(42);
        Interactions b = data.shuffle(42);
        assertArrayEquals(a.strings("user_id"), b.strings("user_id"));
        assertFalse(Arrays.equals(a.strings("user_id"), data.shuffle(43).strings("user_id")));
        for (int i = 0; i < a.size(); i++) {
            assertEquals("u" + (int) a.numbers("value")[i], a.strings("user_id")[i]);
        }
        List<String> sorted = new ArrayList<>(List.of(a.strings("user_id")));
        sorted.sort(null);
        List<String> original = new ArrayList<>(List.of(data.strings("user_id")));
        original.sort(null);
        assertEquals(original, sorted, "a permutation");
    }

    @Test
    void takeAndSkipSplitTheRealDataEightyTwenty() {
        Interactions shuffled = TestData.ml100k().ratings().shuffle(42);
        Interactions train = shuffled.take(80_000);
        Interactions test = shuffled.skip(80_000).take(20_000);
        assertEquals(80_000, train.size());
        assertEquals(20_000, test.size());
        assertEquals(shuffled.strings("user_id")[80_000], test.strings("user_id")[0]);
        // the same split every time
        assertArrayEquals(train.strings("movie_title"),
                TestData.ml100k().ratings().shuffle(42).take(80_000).strings("movie_title"));
    }

    @Test
    void columnsMustAgreeInLength() {
        assertThrows(IllegalArgumentException.class, () -> Interactions.builder()
                .strings("a", new String[2]).numbers("b", new double[3]).build());
        assertThrows(IllegalArgumentException.class, () -> numbered(3).strings("nope"));
        assertEquals(3, numbered(3).take(10).size());
        assertEquals(0, numbered(3).skip(10).size());
    }
}
