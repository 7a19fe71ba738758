package org.recsys4j.vocab;

import java.util.Arrays;

/**
 * Keras's {@code Discretization} with boundaries adapted to data: values become bucket numbers
 * 1..n (0 stays free for an OOV row), bucket b holding the values from boundary b-1 (inclusive)
 * up to boundary b. Boundaries are the data's equal-frequency quantiles, linearly interpolated
 * between order statistics as numpy's default {@code quantile} does.
 */
public final class Discretization {
    private final double[] boundaries;

    /** Buckets split at {@code boundaries}, which must be sorted; n boundaries make n + 1 buckets. */
    public Discretization(double[] boundaries) {
        this.boundaries = boundaries.clone();
        for (int i = 1; i < this.boundaries.length; i++) {
            if (!(this.boundaries[i] >= this.boundaries[i - 1])) {
                throw new IllegalArgumentException("boundaries must be sorted, got " + this.boundaries[i - 1]
                        + " before " + this.boundaries[i]);
            }
        }
    }

    /** {@code buckets} equal-frequency buckets over {@code values}. */
    public static Discretization quantiles(double[] values, int buckets) {
        if (buckets < 1) {
            throw new IllegalArgumentException("at least one bucket, got " + buckets);
        }
        if (values.length == 0) {
            throw new IllegalArgumentException("no values to adapt the buckets to");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double[] b = new double[buckets - 1];
        for (int i = 1; i < buckets; i++) {
            double position = (double) i / buckets * (sorted.length - 1);
            int lo = (int) Math.floor(position);
            int hi = Math.min(lo + 1, sorted.length - 1);
            b[i - 1] = sorted[lo] + (position - lo) * (sorted[hi] - sorted[lo]);
        }
        return new Discretization(b);
    }

    /** The bucket of {@code value}: 1 + the number of boundaries at or below it. */
    public int bucket(double value) {
        int lo = 0;
        int hi = boundaries.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (boundaries[mid] <= value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo + 1;
    }

    /** Bucket numbers as strings, for a {@link StringLookup} over {@link #vocabulary()}. */
    public String[] bucketTokens(double[] values) {
        String[] out = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Integer.toString(bucket(values[i]));
        }
        return out;
    }

    /** The buckets' tokens, "1" to "n", so that token "b" gets row b. */
    public StringLookup vocabulary() {
        return StringLookup.of(java.util.stream.IntStream.rangeClosed(1, buckets()).mapToObj(Integer::toString)
                .toList());
    }

    /** How many buckets values fall into: one more than the boundaries. */
    public int buckets() {
        return boundaries.length + 1;
    }

    /** A copy of the sorted boundaries. */
    public double[] boundaries() {
        return boundaries.clone();
    }
}
