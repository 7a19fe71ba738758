package org.recsys4j.spark;

import org.recsys4j.split.Splits;

/**
 * The query context of {@code queryContext=previousItem} (the command line's {@code --preset
 * temporal}): the item of the user's interaction just before the example, by {@code timestampCol}
 * (ties in the DataFrame's order), as a context feature of the query tower over the item
 * vocabulary, OOV for a user's first interaction. A trained model asks each user's query with the
 * item of that user's latest training interaction, kept as the bundle's {@code LatestItems}, as
 * every recsys4j temporal model keeps it (so {@code recsys4j serve} and {@code recommend} ask with
 * it too).
 */
final class PreviousItems {
    private PreviousItems() {
    }

    /** The context feature's name for the item feature {@code itemFeature}. */
    static String featureName(String itemFeature) {
        return "previous_" + itemFeature;
    }

    /**
     * The training rows' previous items, and per user row the item row of the user's latest
     * interaction (0, OOV, for a row with none): what {@code Splits.previousTrainingRow} and
     * {@code latestTrainingRow} give when every row trains, from one ordering of the rows instead of
     * two, which a Spark-sized table would notice.
     */
    record Computed(int[] perRow, int[] latestByUserRow) {
    }

    /**
     * For rows of (user row, item row, time): each row's previous item and each user's latest;
     * {@code numUsers} is the user vocabulary's size (OOV row included).
     */
    static Computed compute(int numUsers, int[] users, int[] items, double[] timestamps) {
        int[] order = Splits.orderByUserAndTime(users, Splits.sortable(timestamps));
        int[] perRow = new int[users.length];
        int[] latest = new int[numUsers];
        for (int k = 0; k < order.length; k++) {
            int r = order[k];
            boolean sameUser = k > 0 && users[order[k - 1]] == users[r];
            perRow[r] = sameUser ? items[order[k - 1]] : 0;
            latest[users[r]] = items[r]; // the last one written is the user's latest
        }
        return new Computed(perRow, latest);
    }
}
