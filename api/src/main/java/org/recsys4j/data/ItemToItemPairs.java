package org.recsys4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Training data for an item-to-item model ("people who watched this also watched"): (query item,
 * candidate item) pairs drawn from user histories. Each user's interactions are put in time order;
 * every two items at most {@code window} steps apart in that order make a pair, in both directions.
 * An item paired with itself (a repeated title) is left out.
 *
 * <p>The result has the columns {@code user_id} (whose history it came from), {@code query_<item>}
 * and {@code <item>}, e.g. {@code query_movie_title} and {@code movie_title}, so a two-tower
 * retrieval spec reads the query item and the candidate item as two features.
 */
public final class ItemToItemPairs {
    /** The query item's column is the item column's name with this in front. */
    public static final String QUERY_PREFIX = "query_";

    private ItemToItemPairs() {
    }

    /** The query item's column name for an item column, e.g. {@code query_movie_title}. */
    public static String queryFeature(String itemFeature) {
        return QUERY_PREFIX + itemFeature;
    }

    /**
     * Pairs from {@code interactions}' columns {@code userFeature}, {@code itemFeature} and the
     * numeric {@code timeFeature}; equal times keep the order of the rows.
     */
    public static Interactions of(Interactions interactions, String userFeature, String itemFeature,
            String timeFeature, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, got " + window);
        }
        String[] users = interactions.strings(userFeature);
        String[] items = interactions.strings(itemFeature);
        double[] times = interactions.numbers(timeFeature);
        Integer[] order = new Integer[interactions.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer, String>comparing(i -> users[i])
                .thenComparingDouble(i -> times[i])
                .thenComparingInt(i -> i));

        List<String> pairUsers = new ArrayList<>();
        List<String> queries = new ArrayList<>();
        List<String> candidates = new ArrayList<>();
        for (int start = 0; start < order.length; ) {
            int end = start;
            while (end < order.length && users[order[end]].equals(users[order[start]])) {
                end++;
            }
            for (int i = start; i < end; i++) {
                String query = items[order[i]];
                for (int j = Math.max(start, i - window); j <= Math.min(end - 1, i + window); j++) {
                    String candidate = items[order[j]];
                    if (j != i && !candidate.equals(query)) {
                        pairUsers.add(users[order[i]]);
                        queries.add(query);
                        candidates.add(candidate);
                    }
                }
            }
            start = end;
        }
        return Interactions.builder()
                .strings(userFeature, pairUsers.toArray(String[]::new))
                .strings(queryFeature(itemFeature), queries.toArray(String[]::new))
                .strings(itemFeature, candidates.toArray(String[]::new))
                .build();
    }
}
