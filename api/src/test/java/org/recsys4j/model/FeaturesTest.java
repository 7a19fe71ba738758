package org.recsys4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FeaturesTest {
    private static final Features F = Features.none().withRows("bucket", new int[] {1, 2, 3})
            .withValues("score", new float[] {0.5f, -1f, 2f});

    @Test
    void columnsKeepTheirTypeAndOrder() {
        assertEquals(List.of("bucket", "score"), List.copyOf(F.names()));
        assertEquals(3, F.size());
        assertArrayEquals(new int[] {1, 2, 3}, F.rows("bucket"));
        assertArrayEquals(new float[] {0.5f, -1f, 2f}, F.values("score"));
        assertTrue(F.isNumeric("score"));
        assertFalse(F.isNumeric("bucket"));
        assertNull(F.rows("absent"));
        assertNull(F.values("absent"));
        assertNull(F.rowsView("absent"));
        assertNull(F.valuesView("absent"));
        // a column read as the other type, copied or viewed
        for (var read : List.<org.junit.jupiter.api.function.Executable>of(() -> F.rows("score"),
                () -> F.rowsView("score"))) {
            assertEquals("feature 'score' is numeric: it has values, not vocabulary rows",
                    assertThrows(IllegalArgumentException.class, read).getMessage());
        }
        for (var read : List.<org.junit.jupiter.api.function.Executable>of(() -> F.values("bucket"),
                () -> F.valuesView("bucket"))) {
            assertEquals("feature 'bucket' is categorical: it has vocabulary rows, not numeric values",
                    assertThrows(IllegalArgumentException.class, read).getMessage());
        }
        // a name replaces its column, whatever its type
        Features replaced = F.withValues("bucket", new float[] {7, 8, 9});
        assertArrayEquals(new float[] {7, 8, 9}, replaced.values("bucket"));
        assertEquals(List.of("bucket", "score"), List.copyOf(replaced.names()));
    }

    @Test
    void nothingOutsideCanChangeIt() {
        int[] rows = {1, 2, 3};
        Features f = Features.none().withRows("bucket", rows);
        rows[0] = 99;
        f.rows("bucket")[1] = 99;
        assertArrayEquals(new int[] {1, 2, 3}, f.rows("bucket"));
        assertThrows(UnsupportedOperationException.class, () -> f.names().add("x"));
    }

    @Test
    void viewsReadTheColumnsButCannotChangeThem() {
        java.nio.IntBuffer rows = F.rowsView("bucket");
        java.nio.FloatBuffer values = F.valuesView("score");
        assertEquals(3, rows.remaining());
        assertEquals(2, rows.get(1));
        assertEquals(-1f, values.get(1));
        assertTrue(rows.isReadOnly());
        assertThrows(java.nio.ReadOnlyBufferException.class, () -> rows.put(0, 99));
        assertThrows(java.nio.ReadOnlyBufferException.class, () -> values.put(0, 99f));
        assertArrayEquals(new int[] {1, 2, 3}, F.rows("bucket"));
    }

    @Test
    void everyColumnHasTheSameLength() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> F.withRows("item", new int[] {1, 2}));
        assertEquals("feature 'item' has 2 values; the other columns ([bucket, score]) have 3", e.getMessage());
    }

    @Test
    void slicesSelectionsAndSubsets() {
        Features s = F.slice(1, 3);
        assertArrayEquals(new int[] {2, 3}, s.rows("bucket"));
        assertArrayEquals(new float[] {-1f, 2f}, s.values("score"));
        Features picked = F.select(new int[] {2, 0, 2});
        assertArrayEquals(new int[] {3, 1, 3}, picked.rows("bucket"));
        assertArrayEquals(new float[] {2f, 0.5f, 2f}, picked.values("score"));
        assertEquals(List.of("score"), List.copyOf(F.only(Set.of("score", "other")).names()));
        assertTrue(F.only(Set.of("other")).isEmpty());
        assertThrows(IndexOutOfBoundsException.class, () -> F.slice(2, 4));
        assertEquals(0, Features.none().size());
        assertArrayEquals(new float[] {1.5f}, Features.none().withValues("x", new double[] {1.5}).values("x"));
    }
}
