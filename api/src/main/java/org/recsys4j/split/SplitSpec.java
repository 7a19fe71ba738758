package org.recsys4j.split;

import java.util.Locale;
import java.util.Objects;

/**
 * How to divide interactions into a training and a test set, written as on the command line:
 *
 * <ul>
 *   <li>{@code random:0.8}: a seeded shuffle, the first 80% of it to train on (rounded half to
 *       even): the same shuffle as {@code Interactions.shuffle(seed)} (Java's), 80,000 to train
 *       and 20,000 to test on MovieLens 100k.
 *   <li>{@code tfds:0.8}: the TFRS tutorials' own split, row for row: the rows in the order
 *       TensorFlow Datasets stores them ({@link TfdsRecordOrder}, split "train", keyed by row
 *       number as its MovieLens builder keys them), then tf.data's
 *       {@code shuffle(rows, seed=S, reshuffle_each_iteration=False)} after
 *       {@code tf.random.set_seed(S)} ({@link TfDataShuffle}), the first 80% to train in that
 *       order. On MovieLens 100k with seed 42 it is the published tutorials' 80,000 and 20,000.
 *   <li>{@code temporal:0.8}: a global time cut-off: the earliest 80% of the interactions (by
 *       timestamp, ties in file order) train, the rest test.
 *   <li>{@code last:N}: each user's last N interactions by time are test.
 *   <li>{@code last:0.2}: each user's last fifth by time is test: max(1, round(0.2 n)) of a
 *       user's n, rounded half to even.
 * </ul>
 *
 * <p>For {@code last}, ties in time keep file order (the later row is the later interaction), and
 * every user keeps at least one training interaction: a user with one interaction has no test,
 * and a user with n at most N gives n - 1.
 *
 * @param kind which rule
 * @param fraction random and temporal: the share that trains; last: the share that tests (0 when
 *     {@code count} is used)
 * @param count last:N: each user's test count (0 when {@code fraction} is used)
 */
public record SplitSpec(Kind kind, double fraction, int count) {
    /** Which rule: a shuffle, a global time cut-off, or each user's last interactions. */
    public enum Kind {
        RANDOM, TEMPORAL, LAST, TFDS;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public SplitSpec {
        Objects.requireNonNull(kind, "kind");
        boolean byCount = kind == Kind.LAST && count > 0;
        if (count < 0 || (count > 0 && kind != Kind.LAST)) {
            throw new IllegalArgumentException("a test count applies to last:N only, got " + count);
        }
        if (!byCount && !(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException(kind.label() + ": the fraction must be between 0 and 1 (exclusive), got "
                    + fraction);
        }
        if (byCount && fraction != 0) {
            throw new IllegalArgumentException("last:N takes a count or a fraction, not both");
        }
    }

    /** The tutorial's split: a seeded shuffle, 80% to train. */
    public static SplitSpec seedDefault() {
        return new SplitSpec(Kind.RANDOM, 0.8, 0);
    }

    /**
     * Parses {@code random:F}, {@code temporal:F}, {@code tfds:F}, {@code last:N} or {@code last:F}. A
     * {@code last} value with a decimal point is a fraction, without one a count.
     */
    public static SplitSpec parse(String text) {
        String usage = "a split is random:F, temporal:F, tfds:F (F the share that trains, e.g. 0.8), last:N or last:F"
                + " (each user's last N, or last share F, of interactions by time, e.g. last:1 or last:0.2)";
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(usage + "; got nothing");
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(usage + "; got '" + text + "'");
        }
        String name = text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = text.substring(colon + 1).trim();
        Kind kind = switch (name) {
            case "random" -> Kind.RANDOM;
            case "temporal" -> Kind.TEMPORAL;
            case "last" -> Kind.LAST;
            case "tfds" -> Kind.TFDS;
            default -> throw new IllegalArgumentException(usage + "; '" + name + "' is not one of random, temporal,"
                    + " last, tfds");
        };
        try {
            if (kind == Kind.LAST && !value.contains(".") && !value.contains("e") && !value.contains("E")) {
                int n = Integer.parseInt(value);
                if (n < 1) {
                    throw new IllegalArgumentException("last:N needs N of 1 or more, got '" + text + "'");
                }
                return new SplitSpec(kind, 0, n);
            }
            return new SplitSpec(kind, Double.parseDouble(value), 0);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(usage + "; '" + value + "' is not a number", e);
        }
    }

    /** Whether the rule reads timestamps. */
    public boolean needsTimestamps() {
        return kind == Kind.TEMPORAL || kind == Kind.LAST;
    }

    /** Whether the rule reads user ids. */
    public boolean needsUsers() {
        return kind == Kind.LAST;
    }

    /**
     * Splits rows given as columns.
     *
     * @param users each row's user as a dense code (a vocabulary row); read by {@code last} only,
     *     may be null otherwise
     * @param timestamps each row's time, any monotone encoding ({@link Splits#sortable(double[])}
     *     for doubles); read by {@code temporal} and {@code last}, may be null for {@code random}
     * @param rows the number of rows (the columns' length)
     * @param seed seeds the shuffle of {@code random} and {@code tfds} and the training order of every rule
     */
    public Split apply(int rows, int[] users, long[] timestamps, long seed) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows must not be negative: " + rows);
        }
        if (needsTimestamps()) {
            Objects.requireNonNull(timestamps, () -> this + " needs timestamps");
            checkLength("timestamps", timestamps.length, rows);
        }
        if (needsUsers()) {
            Objects.requireNonNull(users, () -> this + " needs user ids");
            checkLength("users", users.length, rows);
        }
        return switch (kind) {
            case RANDOM -> Splits.random(this, rows, fraction, seed);
            case TFDS -> Splits.tfds(this, rows, fraction, seed);
            case TEMPORAL -> Splits.temporal(this, timestamps, fraction, seed);
            case LAST -> Splits.lastPerUser(this, users, timestamps, count, fraction, seed);
        };
    }

    private static void checkLength(String column, int length, int rows) {
        if (length != rows) {
            throw new IllegalArgumentException("the " + column + " column has " + length + " rows, expected " + rows);
        }
    }

    /** The spec as it is written: {@code random:0.8}, {@code last:1}, {@code last:0.2}. */
    @Override
    public String toString() {
        String value = kind == Kind.LAST && count > 0 ? Integer.toString(count) : trim(fraction);
        return kind.label() + ":" + value;
    }

    private static String trim(double x) {
        String s = Double.toString(x);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
