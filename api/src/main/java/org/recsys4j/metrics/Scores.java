package org.recsys4j.metrics;

/**
 * The one dot product used for every score. Ties are decided by exact float equality, so the
 * positive's score and the candidates' scores must come from the same arithmetic in the same
 * order; four fixed partial sums keep it fast and deterministic.
 */
public final class Scores {
    private Scores() {
    }

    /** The dot product of {@code d} floats of {@code a} from {@code aOff} and of {@code b} from {@code bOff}. */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int d) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int k = 0;
        for (; k + 3 < d; k += 4) {
            s0 += a[aOff + k] * b[bOff + k];
            s1 += a[aOff + k + 1] * b[bOff + k + 1];
            s2 += a[aOff + k + 2] * b[bOff + k + 2];
            s3 += a[aOff + k + 3] * b[bOff + k + 3];
        }
        for (; k < d; k++) {
            s0 += a[aOff + k] * b[bOff + k];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
