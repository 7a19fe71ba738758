package org.recsys4j.io;

/** Values quoted in messages, cut so a damaged file cannot flood a terminal. */
public final class Text {
    /** The most characters of a value a message quotes. */
    public static final int MAX = 200;

    private Text() {
    }

    /** {@code s}, or its first {@link #MAX} characters and its length. */
    public static String cut(String s) {
        return s.length() <= MAX ? s : s.substring(0, MAX) + "... (" + s.length() + " characters)";
    }
}
