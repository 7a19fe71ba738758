package org.recsys4j.vocab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class StringLookupTest {
    @Test
    void unknownValuesMapToTheOneOovRow() {
        StringLookup lookup = StringLookup.of(List.of("b", "a", "c"));
        assertEquals(4, lookup.size());
        assertEquals(1, lookup.index("b"));
        assertEquals(3, lookup.index("c"));
        assertEquals(StringLookup.OOV_INDEX, lookup.index("zzz"));
        assertEquals(StringLookup.OOV_INDEX, lookup.index(""));
        assertEquals(StringLookup.OOV_TOKEN, lookup.token(0));
        assertEquals("a", lookup.token(2));
        assertArrayEquals(new int[] {2, 0, 1}, lookup.lookup(new String[] {"a", "?", "b"}));
    }

    @Test
    void adaptOrdersByFrequencyThenValue() {
        StringLookup lookup = StringLookup.adapt(new String[] {"x", "y", "y", "z", "z", "w"});
        assertEquals(List.of("y", "z", "w", "x"), lookup.vocabulary());
    }

    @Test
    void uniqueIsSortedAsNumpyUnique() {
        StringLookup lookup = StringLookup.ofUnique(new String[] {"42", "100", "7", "42"});
        assertEquals(List.of("100", "42", "7"), lookup.vocabulary());
    }

    @Test
    void duplicatesInAGivenVocabularyAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> StringLookup.of(List.of("a", "a")));
    }
}
