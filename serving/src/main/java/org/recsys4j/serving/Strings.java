package org.recsys4j.serving;

/** Cuts what a client sent before it goes into an error message or the log. */
final class Strings {
    private static final int MAX = 120;

    private Strings() {
    }

    static String cut(String s) {
        if (s == null) {
            return "null";
        }
        String clean = s.replaceAll("[\\p{Cntrl}]", "?");
        return clean.length() <= MAX ? clean : clean.substring(0, MAX) + "... (" + clean.length() + " characters)";
    }
}
