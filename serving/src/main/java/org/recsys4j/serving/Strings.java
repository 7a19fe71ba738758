package org.recsys4j.serving;

import java.util.regex.Pattern;

/** Cuts what a client sent before it goes into an error message or the log. */
final class Strings {
    private static final int MAX = 120;
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}]");

    private Strings() {
    }

    static String cut(String s) {
        if (s == null) {
            return "null";
        }
        if (s.length() <= MAX && plain(s)) {
            return s; // every request's path goes through here (the access log): no copy, no regex
        }
        String clean = CONTROL.matcher(s).replaceAll("?");
        return clean.length() <= MAX ? clean : clean.substring(0, MAX) + "... (" + clean.length() + " characters)";
    }

    /** No character that {@code \p{Cntrl}} matches (U+0000 to U+001F and U+007F). */
    private static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
