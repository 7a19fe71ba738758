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

    @Test
    void stringColumnsAreDictionaryEncodedAndSlicesShareTheDictionary() {
        Interactions t = Interactions.builder().strings("user_id", new String[] {"b", "a", "b", "c", "a"}).build();
        CategoricalColumn c = t.categorical("user_id");
        assertArrayEquals(new String[] {"b", "a", "c"}, c.dictionary(), "first appearance order");
        assertArrayEquals(new int[] {0, 1, 0, 2, 1}, c.codes());
        Interactions tail = t.skip(3);
        assertArrayEquals(new String[] {"c", "a"}, tail.strings("user_id"));
        assertEquals(c.dictionary(), tail.categorical("user_id").dictionary(), "no copy of the values");
        org.recsys4j.vocab.StringLookup vocabulary = org.recsys4j.vocab.StringLookup.of(List.of("a", "b"));
        assertArrayEquals(new int[] {2, 1, 2, 0, 1}, c.lookup(vocabulary), "c is out of the vocabulary");
        assertArrayEquals(vocabulary.lookup(t.strings("user_id")), c.lookup(vocabulary));
        assertThrows(IllegalArgumentException.class, () -> Interactions.builder()
                .categorical("x", new CategoricalColumn(new int[] {0, 3}, new String[] {"a"})));
        IllegalArgumentException nul = assertThrows(IllegalArgumentException.class, () -> Interactions.builder()
                .strings("x", new String[] {"a", null}));
        assertEquals("feature 'x': row 1 has no value (null)", nul.getMessage());
    }
}
