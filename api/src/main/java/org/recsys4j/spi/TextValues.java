package org.recsys4j.spi;

import java.util.Locale;

/**
 * The one parser for settings written as text: booleans, whole and decimal numbers, and devices.
 * Each method names what it parses ({@code what}, e.g. "backend option 'threads' of nd4j") in its
 * error, says what it expects and quotes what it got (cut to a readable length).
 */
public final class TextValues {
    /** Longest quoted input in an error: a setting is a word or a number, not a file. */
    private static final int QUOTE_LIMIT = 80;

    private TextValues() {
    }

    /** {@code true} or {@code false}, in any case; nothing else (not yes, 1 or on). */
    public static boolean parseBoolean(String what, String text) {
        String t = text == null ? "" : text.trim();
        if (t.equalsIgnoreCase("true")) {
            return true;
        }
        if (t.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(what + " must be true or false, got " + quote(text));
    }

    /** A whole number from {@code min} to {@code max}. */
    public static int parseInt(String what, String text, int min, int max) {
        long v;
        try {
            v = Long.parseLong(text == null ? "" : text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be " + range(min, max) + ", got " + quote(text));
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(what + " must be " + range(min, max) + ", got " + quote(text));
        }
        return (int) v;
    }

    /** A finite decimal number (Java's syntax: {@code 0.5}, {@code -1e-3}); not NaN or infinite. */
    public static double parseDouble(String what, String text) {
        double v;
        try {
            String t = text == null ? "" : text.trim();
            // Double.parseDouble also takes "NaN", "Infinity" and hex floats with a 'p'; a setting is neither
            if (!t.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
                throw new NumberFormatException();
            }
            v = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a decimal number, got " + quote(text));
        }
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(what + " is out of range: " + quote(text));
        }
        return v;
    }

    /** As {@link #parseDouble}, and within float's range. */
    public static float parseFloat(String what, String text) {
        double v = parseDouble(what, text);
        if (Math.abs(v) > Float.MAX_VALUE) {
            throw new IllegalArgumentException(what + " is beyond float's range: " + quote(text));
        }
        return (float) v;
    }

    /**
     * A device as TensorFlow names them: {@code /CPU:0}, {@code /GPU:1}, {@code /device:GPU:0},
     * {@code GPU} (index 0); the type in upper case. Which types a backend runs on is its own check.
     */
    public static Device parseDevice(String what, String text) {
        String t = text == null ? "" : text.trim();
        String d = t.startsWith("/") ? t.substring(1) : t;
        if (d.regionMatches(true, 0, "device:", 0, 7)) {
            d = d.substring(7);
        }
        String[] parts = d.split(":", -1);
        boolean index = parts.length == 1 || (parts.length == 2 && parts[1].matches("\\d{1,4}"));
        if (!parts[0].matches("[A-Za-z]+") || !index) {
            throw new IllegalArgumentException(what + " must be a device such as /CPU:0 or /GPU:0, got " + quote(text));
        }
        return new Device(parts[0].toUpperCase(Locale.ROOT), parts.length == 2 ? Integer.parseInt(parts[1]) : 0);
    }

    /** A device type and index, e.g. GPU 1. */
    public record Device(String type, int index) {
        @Override
        public String toString() {
            return "/" + type + ":" + index;
        }
    }

    /** {@code text} in quotes, cut to {@value #QUOTE_LIMIT} characters. */
    public static String quote(String text) {
        if (text == null) {
            return "nothing";
        }
        return "'" + (text.length() > QUOTE_LIMIT ? text.substring(0, QUOTE_LIMIT) + "...' (" + text.length()
                + " characters)" : text + "'");
    }

    private static String range(int min, int max) {
        if (max == Integer.MAX_VALUE) {
            return min == 0 ? "a whole number, 0 or more" : "a whole number, " + min + " or more";
        }
        return "a whole number from " + min + " to " + max;
    }
}
