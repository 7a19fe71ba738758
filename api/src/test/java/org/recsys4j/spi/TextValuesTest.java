package org.recsys4j.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The one parser for booleans, numbers and devices: what it takes, and what it says to the rest. */
class TextValuesTest {
    @Test
    void booleans() {
        assertEquals(true, TextValues.parseBoolean("x", "True"));
        assertEquals(false, TextValues.parseBoolean("x", " false"));
        for (String bad : List.of("yes", "1", "on", "")) {
            assertEquals("x must be true or false, got '" + bad + "'",
                    assertThrows(IllegalArgumentException.class, () -> TextValues.parseBoolean("x", bad)).getMessage());
        }
        assertEquals("x must be true or false, got nothing",
                assertThrows(IllegalArgumentException.class, () -> TextValues.parseBoolean("x", null)).getMessage());
    }

    @Test
    void wholeNumbersInARange() {
        assertEquals(7, TextValues.parseInt("k", " 7 ", 1, 10));
        assertEquals("k must be a whole number from 1 to 10, got '11'",
                assertThrows(IllegalArgumentException.class, () -> TextValues.parseInt("k", "11", 1, 10)).getMessage());
        assertEquals("k must be a whole number, 1 or more, got '0'", assertThrows(IllegalArgumentException.class,
                () -> TextValues.parseInt("k", "0", 1, Integer.MAX_VALUE)).getMessage());
    }

    @Test
    void decimalsAreFiniteAndWrittenOut() {
        assertEquals(-0.001, TextValues.parseDouble("t", "-1e-3"), 0);
        assertEquals(0.5, TextValues.parseDouble("t", ".5"), 0);
        for (String bad : List.of("NaN", "Infinity", "0x1p3", "1,5", "", "1e")) {
            assertEquals("t must be a decimal number, got '" + bad + "'",
                    assertThrows(IllegalArgumentException.class, () -> TextValues.parseDouble("t", bad)).getMessage());
        }
        assertEquals("t is out of range: '1e999'",
                assertThrows(IllegalArgumentException.class, () -> TextValues.parseDouble("t", "1e999")).getMessage());
        assertEquals("t is beyond float's range: '1e39'",
                assertThrows(IllegalArgumentException.class, () -> TextValues.parseFloat("t", "1e39")).getMessage());
    }
}
