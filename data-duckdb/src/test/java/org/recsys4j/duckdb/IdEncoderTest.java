package org.recsys4j.duckdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.recsys4j.data.CategoricalColumn;

/** The encoder against a plain map, over ids that take the direct table, the hash table and both in turn. */
class IdEncoderTest {
    private static void assertEncodes(long[] ids) {
        IdEncoder e = new IdEncoder();
        Map<Long, Integer> expected = new HashMap<>();
        int[] codes = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            e.addLong(ids[i]);
            codes[i] = expected.computeIfAbsent(ids[i], k -> expected.size());
        }
        CategoricalColumn c = e.column();
        assertArrayEquals(codes, c.codes(), "codes in order of first appearance");
        assertEquals(expected.size(), c.dictionary().length);
        for (int i = 0; i < ids.length; i++) {
            assertEquals(Long.toString(ids[i]), c.value(i));
        }
    }

    @Test
    void smallIdsLargeIdsAndNegativeIdsEachGetOneCode() {
        Random r = new Random(7);
        long[] ids = new long[200_000];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = switch (i % 4) {
                case 0 -> r.nextInt(5_000);
                case 1 -> r.nextInt(3_000_000); // beyond the direct table's floor while few ids are known
                case 2 -> r.nextLong() >> r.nextInt(60);
                default -> -r.nextInt(1_000);
            };
        }
        assertEncodes(ids);
    }

    @Test
    void codesAndNumbersCrossTheirBlocksInOrder() {
        // more rows than two blocks, and not a multiple of one, so every join of blocks is read back
        int n = 2 * Blocks.BLOCK + 12_345;
        long[] ids = new long[n];
        DoubleColumn numbers = new DoubleColumn();
        for (int i = 0; i < n; i++) {
            ids[i] = (i * 7919L) % 100_003;
            numbers.add(i * 0.5);
        }
        assertEncodes(ids);
        double[] back = numbers.toArray();
        assertEquals(n, back.length);
        for (int i = 0; i < n; i++) {
            assertEquals(i * 0.5, back[i]);
        }
    }

    @Test
    void aLargeIdHashedBeforeTheDirectTableGrowsPastItKeepsItsCode() {
        long[] ids = new long[40_000];
        ids[0] = 2_000_000; // too large for the direct table while one id is known: hashed
        for (int i = 1; i < ids.length; i++) {
            ids[i] = i % 2 == 0 ? 2_000_000 : 1_000_000 + i * 100L; // would let the table grow past 2,000,000
        }
        assertEncodes(ids);
    }

    @Test
    void textSpellingAnIntegerIsThatInteger() {
        IdEncoder e = new IdEncoder();
        e.addLong(42);
        e.addString("42");
        e.addString("042");
        e.addLong(Long.MIN_VALUE);
        e.addString(Long.toString(Long.MIN_VALUE));
        CategoricalColumn c = e.column();
        assertArrayEquals(new int[] {0, 0, 1, 2, 2}, c.codes());
        assertArrayEquals(new String[] {"42", "042", Long.toString(Long.MIN_VALUE)}, c.dictionary());
    }
}
