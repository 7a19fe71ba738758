package org.recsys4j.split;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * The split rules over plain columns: no table type, no per-row objects, so any storage of
 * interactions (string columns today, dictionary-encoded int columns tomorrow) can use them.
 */
public final class Splits {
    private Splits() {
    }

    /**
     * A seeded permutation of 0..n-1: Fisher-Yates from the end with {@link java.util.Random}, the
     * same as {@code Interactions.shuffle(seed)}, so the seed's split is reproduced row for row.
     */
    public static int[] permutation(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        shuffle(order, seed);
        return order;
    }

    /** Shuffles in place, the way {@link #permutation} does. */
    static void shuffle(int[] rows, long seed) {
        Random random = new Random(seed);
        for (int i = rows.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = rows[i];
            rows[i] = rows[j];
            rows[j] = t;
        }
    }

    /** Round half to even, as Python's round and numpy's do. */
    static long roundHalfEven(double x) {
        return (long) Math.rint(x);
    }

    static Split random(SplitSpec spec, int n, double trainFraction, long seed) {
        int[] order = permutation(n, seed);
        int cut = (int) roundHalfEven(trainFraction * n);
        return new Split(spec, seed, Arrays.copyOfRange(order, 0, cut), Arrays.copyOfRange(order, cut, n));
    }

    /**
     * TFRS's split: TFDS's record order, then tf.data's shuffle with a buffer as large as the table
     * and the seeds {@code tf.random.set_seed(seed)} and {@code shuffle(seed=seed)} give.
     */
    static Split tfds(SplitSpec spec, int n, double trainFraction, long seed) {
        int[] records = TfdsRecordOrder.of(n, "train");
        long[] seeds = TfDataShuffle.pythonSeeds(seed, seed);
        int[] positions = TfDataShuffle.order(n, Math.max(n, 1), seeds[0], seeds[1]);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = records[positions[i]];
        }
        int cut = (int) roundHalfEven(trainFraction * n);
        return new Split(spec, seed, Arrays.copyOfRange(order, 0, cut), Arrays.copyOfRange(order, cut, n));
    }

    static Split temporal(SplitSpec spec, long[] timestamps, double trainFraction, long seed) {
        int n = timestamps.length;
        int[] byTime = identity(n);
        sortByTime(byTime, 0, n, timestamps);
        int cut = (int) roundHalfEven(trainFraction * n);
        int[] train = Arrays.copyOfRange(byTime, 0, cut);
        int[] test = Arrays.copyOfRange(byTime, cut, n);
        Arrays.sort(test);
        Arrays.sort(train);
        shuffle(train, seed);
        return new Split(spec, seed, train, test);
    }

    /**
     * Each user's last {@code count} interactions, or last {@code fraction} of them
     * (max(1, round(fraction n)), half to even), by time with ties in file order; at least one
     * interaction of every user trains.
     */
    static Split lastPerUser(SplitSpec spec, int[] users, long[] timestamps, int count, double fraction, long seed) {
        int n = users.length;
        int[] start = userStarts(users);
        int numUsers = start.length - 1;
        int[] grouped = byUserAndTime(users, timestamps, start);
        boolean[] isTest = new boolean[n];
        int testRows = 0;
        for (int u = 0; u < numUsers; u++) {
            int from = start[u];
            int to = start[u + 1];
            int size = to - from;
            if (size < 2) {
                continue;
            }
            long wanted = count > 0 ? count : Math.max(1, roundHalfEven(fraction * size));
            int m = (int) Math.min(wanted, size - 1);
            for (int k = to - m; k < to; k++) {
                isTest[grouped[k]] = true;
            }
            testRows += m;
        }
        int[] train = new int[n - testRows];
        int[] test = new int[testRows];
        int a = 0;
        int b = 0;
        for (int i = 0; i < n; i++) {
            if (isTest[i]) {
                test[b++] = i;
            } else {
                train[a++] = i;
            }
        }
        shuffle(train, seed);
        return new Split(spec, seed, train, test);
    }

    /**
     * The rows grouped by user (user 0's first), each user's by time, ties in file order: the order
     * in which a user's history unfolds.
     */
    public static int[] orderByUserAndTime(int[] users, long[] timestamps) {
        if (users.length != timestamps.length) {
            throw new IllegalArgumentException(users.length + " user codes but " + timestamps.length + " timestamps");
        }
        return byUserAndTime(users, timestamps, userStarts(users));
    }

    /**
     * For every row, the row of the same user's latest training interaction before it (by time,
     * ties in file order), or -1 when there is none: the user's last step, as a query context. Only
     * training rows count, so no test item reaches a training example or a test query; for a user's
     * first test row it is the last row the model trained on for that user.
     */
    public static int[] previousTrainingRow(int[] users, long[] timestamps, Split split) {
        int n = users.length;
        boolean[] trains = trainingRows(split, n);
        int[] order = orderByUserAndTime(users, timestamps);
        int[] out = new int[n];
        int last = -1;
        for (int k = 0; k < n; k++) {
            int r = order[k];
            if (k == 0 || users[r] != users[order[k - 1]]) {
                last = -1;
            }
            out[r] = last;
            if (trains[r]) {
                last = r;
            }
        }
        return out;
    }

    /**
     * For every user code (0 to the largest in {@code users}), the row of the user's latest training
     * interaction (by time, ties in file order: the one {@link #previousTrainingRow} gives a row after
     * all of them), or -1 when the user has none.
     */
    public static int[] latestTrainingRow(int[] users, long[] timestamps, Split split) {
        boolean[] trains = trainingRows(split, users.length);
        int[] order = orderByUserAndTime(users, timestamps);
        int numUsers = 0;
        for (int u : users) {
            numUsers = Math.max(numUsers, u + 1);
        }
        int[] latest = new int[numUsers];
        Arrays.fill(latest, -1);
        for (int r : order) {
            if (trains[r]) {
                latest[users[r]] = r; // later in the order is later in time
            }
        }
        return latest;
    }

    /** Which of the table's {@code n} rows {@code split} trains on; an error if it splits another size. */
    private static boolean[] trainingRows(Split split, int n) {
        if (split.rows() != n) {
            throw new IllegalArgumentException("the split is of " + split.rows() + " rows, the table has " + n);
        }
        boolean[] trains = new boolean[n];
        for (int r : split.train()) {
            trains[r] = true;
        }
        return trains;
    }

    /** Where each user's rows start once grouped by user; one more entry, the row count, at the end. */
    private static int[] userStarts(int[] users) {
        int numUsers = 0;
        for (int i = 0; i < users.length; i++) {
            if (users[i] < 0) {
                throw new IllegalArgumentException("user codes must not be negative: row " + i + " has " + users[i]);
            }
            numUsers = Math.max(numUsers, users[i] + 1);
        }
        int[] start = new int[numUsers + 1];
        for (int u : users) {
            start[u + 1]++;
        }
        for (int u = 0; u < numUsers; u++) {
            start[u + 1] += start[u];
        }
        return start;
    }

    /** A stable counting sort by user (file order within a user), then each user's rows by time. */
    private static int[] byUserAndTime(int[] users, long[] timestamps, int[] start) {
        int numUsers = start.length - 1;
        int[] grouped = new int[users.length];
        int[] next = Arrays.copyOf(start, numUsers);
        for (int i = 0; i < users.length; i++) {
            grouped[next[users[i]]++] = i;
        }
        for (int u = 0; u < numUsers; u++) {
            sortByTime(grouped, start[u], start[u + 1], timestamps);
        }
        return grouped;
    }

    private static int[] identity(int n) {
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i;
        }
        return rows;
    }

    /**
     * Sorts {@code rows[from, to)} by timestamp, stably (rows arrive in file order, so ties keep
     * it). Already-sorted ranges, the common case for logs, cost one pass.
     */
    static void sortByTime(int[] rows, int from, int to, long[] timestamps) {
        boolean sorted = true;
        for (int i = from + 1; i < to && sorted; i++) {
            sorted = timestamps[rows[i - 1]] <= timestamps[rows[i]];
        }
        if (!sorted) {
            int[] buffer = new int[to - from];
            mergeSort(rows, from, to, timestamps, buffer);
        }
    }

    private static void mergeSort(int[] rows, int from, int to, long[] key, int[] buffer) {
        if (to - from <= 16) {
            for (int i = from + 1; i < to; i++) { // insertion sort: stable
                int r = rows[i];
                int j = i - 1;
                while (j >= from && key[rows[j]] > key[r]) {
                    rows[j + 1] = rows[j];
                    j--;
                }
                rows[j + 1] = r;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(rows, from, mid, key, buffer);
        mergeSort(rows, mid, to, key, buffer);
        if (key[rows[mid - 1]] <= key[rows[mid]]) {
            return;
        }
        System.arraycopy(rows, from, buffer, 0, mid - from);
        int i = 0;
        int iEnd = mid - from;
        int j = mid;
        int k = from;
        while (i < iEnd && j < to) {
            rows[k++] = key[rows[j]] < key[buffer[i]] ? rows[j++] : buffer[i++]; // left wins ties: stable
        }
        while (i < iEnd) {
            rows[k++] = buffer[i++];
        }
    }

    /**
     * Timestamps as longs that order as the doubles do (exactly: no rounding), for tables that
     * keep times as doubles. NaN is refused.
     */
    public static long[] sortable(double[] timestamps) {
        long[] out = new long[timestamps.length];
        for (int i = 0; i < timestamps.length; i++) {
            double t = timestamps[i];
            if (Double.isNaN(t)) {
                throw new IllegalArgumentException("timestamp of row " + i + " is not a number");
            }
            long bits = Double.doubleToLongBits(t == 0.0 ? 0.0 : t); // -0.0 and 0.0 are the same time
            out[i] = bits < 0 ? bits ^ Long.MAX_VALUE : bits;
        }
        return out;
    }

    /** Dense codes for string ids, in order of first appearance: 0, 1, 2, ... */
    public static int[] encode(String[] ids) {
        Map<String, Integer> codes = new HashMap<>();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = codes.computeIfAbsent(ids[i], k -> codes.size());
        }
        return out;
    }
}
