package org.recsys4j.train;

import org.recsys4j.data.Interactions;

/** A ranking task's label column read from a table, refused with the column, row and value when it is not a number. */
final class Labels {
    private Labels() {
    }

    /**
     * The column {@code column} as floats: a numeric column, or a string column whose every value
     * parses as a number. Missing values, NaN and infinities are refused: a label must be a number.
     */
    static float[] read(Interactions data, String column, String task) {
        if (!data.has(column)) {
            throw new IllegalArgumentException("ranking task '" + task + "' is trained on label column '" + column
                    + "', which the data does not have; its columns are " + data.categoricalNames() + " (strings) and "
                    + data.numericNames() + " (numbers)");
        }
        float[] out = new float[data.size()];
        if (data.isCategorical(column)) {
            String[] values = data.strings(column);
            for (int i = 0; i < values.length; i++) {
                String v = values[i];
                if (v == null || v.isBlank()) {
                    throw bad(column, task, i, "a missing value");
                }
                try {
                    out[i] = (float) check(Double.parseDouble(v.trim()), column, task, i);
                } catch (NumberFormatException e) {
                    throw bad(column, task, i, "'" + v + "', not a number");
                }
            }
            return out;
        }
        double[] values = data.numbers(column);
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) check(values[i], column, task, i);
        }
        return out;
    }

    private static double check(double v, String column, String task, int row) {
        if (!Double.isFinite(v)) {
            throw bad(column, task, row, String.valueOf(v));
        }
        return v;
    }

    private static IllegalArgumentException bad(String column, String task, int row, String what) {
        return new IllegalArgumentException("label column '" + column + "' of ranking task '" + task + "' has " + what
                + " at row " + (row + 1) + " (counting from 1); every label must be a finite number");
    }
}
