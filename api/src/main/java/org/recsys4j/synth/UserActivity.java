package org.recsys4j.synth;

import java.util.Arrays;
import java.util.SplittableRandom;

/** How many interactions each user gets: a floor each, the rest Zipf-like over users, summing exactly. */
final class UserActivity {
    private UserActivity() {
    }

    static int[] counts(SynthSpec spec, SplittableRandom random) {
        int n = spec.users();
        int cap = spec.items() / 2;
        long floor = Math.min(spec.minPerUser(), spec.interactions() / n);
        long extra = spec.interactions() - floor * n;
        int[] rank = SyntheticInteractions.permutation(n, random);
        double[] w = new double[n];
        double total = 0;
        for (int u = 0; u < n; u++) {
            w[u] = 1.0 / Math.pow(rank[u] + 1, spec.userExponent());
            total += w[u];
        }
        long[] c = new long[n];
        double[] remainder = new double[n];
        long given = 0;
        for (int u = 0; u < n; u++) {
            double share = extra * w[u] / total;
            c[u] = floor + (long) share;
            remainder[u] = share - Math.floor(share);
            given += (long) share;
        }
        // largest remainders first get the last few, so the counts add up exactly
        Integer[] byRemainder = new Integer[n];
        Arrays.setAll(byRemainder, i -> i);
        Arrays.sort(byRemainder, (a, b) -> Double.compare(remainder[b], remainder[a]));
        for (long k = 0; k < extra - given; k++) {
            c[byRemainder[(int) k]]++;
        }
        // nobody takes more than half the items: move the excess to users with room, heaviest first
        long excess = 0;
        for (int u = 0; u < n; u++) {
            if (c[u] > cap) {
                excess += c[u] - cap;
                c[u] = cap;
            }
        }
        Integer[] byWeight = new Integer[n];
        Arrays.setAll(byWeight, i -> i);
        Arrays.sort(byWeight, (a, b) -> Double.compare(w[b], w[a]));
        while (excess > 0) {
            for (int k = 0; k < n && excess > 0; k++) {
                int u = byWeight[k];
                long room = cap - c[u];
                long add = Math.min(room, Math.max(1, excess / n));
                c[u] += add;
                excess -= add;
            }
        }
        int[] out = new int[n];
        for (int u = 0; u < n; u++) {
            out[u] = (int) c[u];
        }
        return out;
    }
}
