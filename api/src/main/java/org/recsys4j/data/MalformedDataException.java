package org.recsys4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** A data file that does not parse; the message names the file, the line and the field. */
public final class MalformedDataException extends IOException {
    private static final long serialVersionUID = 1L;
    /** Characters of a value shown in a message: enough to recognise it, short enough for a terminal. */
    static final int QUOTE_LIMIT = 80;
    /** A problem's text is cut here, should a caller have put a long value in it without {@link #quote}. */
    static final int PROBLEM_LIMIT = 1000;

    private final Path file;
    private final long line;
    private final String field;

    /** A bad {@code field} at {@code line} (1-based) of {@code file}; {@code problem} says what is wrong. */
    public MalformedDataException(Path file, long line, String field, String problem) {
        super(file + ":" + line + ": field '" + field + "': " + cut(problem, PROBLEM_LIMIT));
        this.file = file;
        this.line = line;
        this.field = field;
    }

    /** The file with the bad line. */
    public Path file() {
        return file;
    }

    /** The line, counted from 1. */
    public long line() {
        return line;
    }

    /** The field of the line that is wrong. */
    public String field() {
        return field;
    }

    /**
     * A value as an error message shows it: in quotes, control characters escaped, and cut after
     * {@value #QUOTE_LIMIT} characters with its length said, so that a 20 MB field does not end up
     * whole on a terminal. Every reader quotes the values it rejects with this.
     */
    public static String quote(CharSequence value) {
        if (value == null) {
            return "nothing";
        }
        int length = value.length();
        int shown = length <= QUOTE_LIMIT ? length : QUOTE_LIMIT - 20;
        StringBuilder b = new StringBuilder(shown + 32).append('\'');
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            if (c == '\t') {
                b.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        b.append('\'');
        if (shown < length) {
            b.insert(b.length() - 1, "...").append(String.format(Locale.ROOT, " (%,d characters)", length));
        }
        return b.toString();
    }

    private static String cut(String text, int limit) {
        return text == null || text.length() <= limit ? text
                : text.substring(0, limit) + String.format(Locale.ROOT, "... (%,d characters)", text.length());
    }
}
