package org.recsys4j.data;

/**
 * The values every MovieLens reader accepts, in one place, so that no file format takes a value
 * another rejects: a rating from 0.5 to 5 stars in half stars (the 100k release uses whole stars, the
 * CSV releases half stars), a non-empty title, ids and timestamps that are non-negative integers.
 * Each check parses the field's text and throws a {@link MalformedDataException} that names the
 * record, the field and the value.
 */
public final class MovieLensRules {
    public static final double MIN_RATING = 0.5;
    public static final double MAX_RATING = 5;

    private MovieLensRules() {
    }

    /** A user or movie id: a non-negative integer, as its canonical text ({@code 007} is {@code 7}). */
    public static String id(RecordLocation at, String field, String text) throws MalformedDataException {
        return Long.toString(nonNegative(at, field, text));
    }

    /** A movie title: any text but an empty or blank one, kept as it is. */
    public static String title(RecordLocation at, String field, String text) throws MalformedDataException {
        if (text.isBlank()) {
            throw at.error(field, "empty title");
        }
        return text;
    }

    /** A rating: 0.5 to 5 stars, in half stars. */
    public static double rating(RecordLocation at, String field, String text) throws MalformedDataException {
        double value = parse(at, field, text, "a rating", Double::parseDouble);
        if (!(value >= MIN_RATING && value <= MAX_RATING) || value * 2 != Math.rint(value * 2)) {
            throw at.error(field, "expected a rating from 0.5 to 5 in half stars, found "
                    + MalformedDataException.quote(text));
        }
        return value;
    }

    /** A timestamp: seconds since 1970, a non-negative integer. */
    public static long timestamp(RecordLocation at, String field, String text) throws MalformedDataException {
        return nonNegative(at, field, text);
    }

    private static long nonNegative(RecordLocation at, String field, String text) throws MalformedDataException {
        long value = parse(at, field, text, "an integer", Long::parseLong);
        if (value < 0) {
            throw at.error(field, "expected 0 or more, found " + MalformedDataException.quote(text));
        }
        return value;
    }

    private static <T> T parse(RecordLocation at, String field, String text, String what,
            java.util.function.Function<String, T> parser) throws MalformedDataException {
        try {
            return parser.apply(text.trim());
        } catch (NumberFormatException e) {
            throw at.error(field, "expected " + what + ", found " + MalformedDataException.quote(text));
        }
    }
}
