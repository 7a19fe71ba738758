package org.recsys4j.duckdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The packed sort against Arrays.sort, on the ids it packs and on those it hands back. */
class SortedStringsTest {
    private static void assertSortsAsArraysSort(String[] values) {
        String[] expected = values.clone();
        Arrays.sort(expected);
        String[] actual = values.clone();
        SortedStrings.sort(actual);
        assertArrayEquals(expected, actual);
    }

    @Test
    void integerIdsOfEveryLengthSortAsText() {
        Random r = new Random(11);
        String[] ids = new String[50_000];
        for (int i = 0; i < ids.length; i++) {
            long id = switch (i % 5) {
                case 0 -> r.nextInt(10);
                case 1 -> r.nextInt(200_000);
                case 2 -> -r.nextInt(1_000_000);
                case 3 -> Math.floorMod(r.nextLong(), 10_000_000_000L); // up to ten digits
                default -> i;
            };
            ids[i] = Long.toString(id);
        }
        assertTrue(Arrays.stream(ids).allMatch(s -> s.length() <= 10), "all within the packed sort's reach");
        assertSortsAsArraysSort(ids);
        assertSortsAsArraysSort(new String[] {"10", "9", "1", "", "-", "-1", "0", "00", "100", "1-", "9999999999"});
    }

    @Test
    void otherTextFallsBackToTheObjectSort() {
        assertSortsAsArraysSort(new String[] {"b", "10", "a", "9", "1"});
        assertSortsAsArraysSort(new String[] {"12345678901", "2", "1"}); // eleven characters
        assertSortsAsArraysSort(new String[] {"é", "e", "3", "Z", " 1", "1 "});
        assertSortsAsArraysSort(new String[] {});
        assertSortsAsArraysSort(new String[] {"7"});
    }
}
