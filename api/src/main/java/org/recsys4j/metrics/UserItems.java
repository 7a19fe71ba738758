package org.recsys4j.metrics;

import java.util.Arrays;

/**
 * Each user's distinct items, sorted: one int array for all users and an offset per user (the
 * compressed-row layout). Built from plain columns, so any storage of interactions can feed it:
 * a user's training items (what a recommender does not offer again) or test items (what counts as
 * relevant).
 */
public final class UserItems {
    private final int numUsers;
    private final int numItems;
    private final int[] offsets;
    private final int[] items;

    private UserItems(int numUsers, int numItems, int[] offsets, int[] items) {
        this.numUsers = numUsers;
        this.numItems = numItems;
        this.offsets = offsets;
        this.items = items;
    }

    /**
     * The items of the given rows, by user.
     *
     * @param users each row's user code, 0 to {@code numUsers - 1}
     * @param items each row's item code, 0 to {@code numItems - 1}
     * @param rows the rows to take (e.g. a split's training rows); null for all
     */
    public static UserItems of(int[] users, int[] items, int[] rows, int numUsers, int numItems) {
        if (users.length != items.length) {
            throw new IllegalArgumentException(users.length + " user codes but " + items.length + " item codes");
        }
        int n = rows == null ? users.length : rows.length;
        int[] count = new int[numUsers + 1];
        for (int k = 0; k < n; k++) {
            int r = rows == null ? k : rows[k];
            int u = users[r];
            int i = items[r];
            if (u < 0 || u >= numUsers) {
                throw new IllegalArgumentException("row " + r + ": user code " + u + " is outside 0.."
                        + (numUsers - 1));
            }
            if (i < 0 || i >= numItems) {
                throw new IllegalArgumentException("row " + r + ": item code " + i + " is outside 0.."
                        + (numItems - 1));
            }
            count[u + 1]++;
        }
        for (int u = 0; u < numUsers; u++) {
            count[u + 1] += count[u];
        }
        int[] next = Arrays.copyOf(count, numUsers);
        int[] all = new int[n];
        for (int k = 0; k < n; k++) {
            int r = rows == null ? k : rows[k];
            all[next[users[r]]++] = items[r];
        }
        // sort and deduplicate each user's items, compacting as we go
        int[] offsets = new int[numUsers + 1];
        int write = 0;
        for (int u = 0; u < numUsers; u++) {
            int from = count[u];
            int to = count[u + 1];
            Arrays.sort(all, from, to);
            offsets[u] = write;
            for (int k = from; k < to; k++) {
                if (k == from || all[k] != all[k - 1]) {
                    all[write++] = all[k];
                }
            }
        }
        offsets[numUsers] = write;
        return new UserItems(numUsers, numItems, offsets, write == n ? all : Arrays.copyOf(all, write));
    }

    /** The number of users (rows). */
    public int numUsers() {
        return numUsers;
    }

    /** The number of items in the catalog. */
    public int numItems() {
        return numItems;
    }

    /** How many distinct items user {@code u} has. */
    public int count(int u) {
        return offsets[u + 1] - offsets[u];
    }

    /** User {@code u}'s items, sorted ascending (a copy). */
    public int[] items(int u) {
        return Arrays.copyOfRange(items, offsets[u], offsets[u + 1]);
    }

    /** Where user {@code u}'s items start in {@link #flat()}; they end where user u + 1's start. */
    public int offset(int u) {
        return offsets[u];
    }

    /** Every user's items back to back (not a copy: do not modify). */
    int[] flat() {
        return items;
    }

    /** The users with at least one item, ascending. */
    public int[] nonEmptyUsers() {
        int n = 0;
        for (int u = 0; u < numUsers; u++) {
            n += count(u) > 0 ? 1 : 0;
        }
        int[] out = new int[n];
        int k = 0;
        for (int u = 0; u < numUsers; u++) {
            if (count(u) > 0) {
                out[k++] = u;
            }
        }
        return out;
    }

    /** How many users have each item (its popularity counted once per user). */
    public int[] itemCounts() {
        int[] counts = new int[numItems];
        for (int i : items) {
            counts[i]++;
        }
        return counts;
    }

    /** The total number of (user, item) pairs. */
    public int size() {
        return items.length;
    }
}
