package org.recsys4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.recsys4j.data.Interactions;

class LabelsTest {
    private static String message(Interactions data) {
        return assertThrows(IllegalArgumentException.class, () -> Labels.read(data, "user_rating", "rating"))
                .getMessage();
    }

    @Test
    void numbersAndNumericStringsAreRead() {
        assertArrayEquals(new float[] {4, 2.5f}, Labels.read(Interactions.builder()
                .numbers("user_rating", new double[] {4, 2.5}).build(), "user_rating", "rating"));
        assertArrayEquals(new float[] {4, 2.5f}, Labels.read(Interactions.builder()
                .strings("user_rating", new String[] {"4", " 2.5 "}).build(), "user_rating", "rating"));
    }

    @Test
    void badLabelsAreRefusedNamingColumnRowAndValue() {
        assertEquals("label column 'user_rating' of ranking task 'rating' has 'four', not a number at row 2 (counting"
                + " from 1); every label must be a finite number", message(Interactions.builder()
                .strings("user_rating", new String[] {"4", "four"}).build()));
        assertEquals("label column 'user_rating' of ranking task 'rating' has NaN at row 3 (counting from 1); every"
                + " label must be a finite number", message(Interactions.builder()
                .numbers("user_rating", new double[] {4, 2, Double.NaN}).build()));
        assertEquals("label column 'user_rating' of ranking task 'rating' has a missing value at row 1 (counting"
                + " from 1); every label must be a finite number", message(Interactions.builder()
                .strings("user_rating", new String[] {"", "3"}).build()));
        String missing = message(Interactions.builder().strings("user_id", new String[] {"1"}).build());
        assertEquals(true, missing.startsWith("ranking task 'rating' is trained on label column 'user_rating', which"
                + " the data does not have"), missing);
    }
}
