package org.recsys4j.spark;

import org.recsys4j.data.CategoricalColumn;
import org.recsys4j.data.Interactions;
import org.recsys4j.vocab.StringLookup;

/**
 * The training table as the driver holds it: one row per interaction, ids as vocabulary rows in
 * {@code int[]} columns, optional weights and timestamps, with no object per row.
 *
 * @param weights null when no weight column was given
 * @param timestamps null when no timestamp column was given
 */
record EncodedInteractions(StringLookup userVocabulary, StringLookup itemVocabulary, int[] users, int[] items,
        float[] weights, double[] timestamps) {

    int size() {
        return users.length;
    }

    /**
     * The ids as the columnar {@code Interactions} the single-machine path trains on: each column's
     * codes are its vocabulary rows as they are, over a dictionary that is the vocabulary with the
     * OOV token at code 0 (which no row uses), so nothing is copied or looked up per row.
     */
    Interactions toInteractions(String userFeature, String itemFeature) {
        return toInteractions(userFeature, itemFeature, null, null);
    }

    /**
     * As {@link #toInteractions(String, String)}, with a query context column over the item
     * vocabulary ({@code previousItems}: item rows, 0 for none) when {@code previousFeature} is set.
     */
    Interactions toInteractions(String userFeature, String itemFeature, String previousFeature, int[] previousItems) {
        String[] itemDictionary = dictionary(itemVocabulary);
        Interactions.Builder b = Interactions.builder()
                .categorical(userFeature, new CategoricalColumn(users, dictionary(userVocabulary)))
                .categorical(itemFeature, new CategoricalColumn(items, itemDictionary));
        if (previousFeature != null) {
            b.categorical(previousFeature, new CategoricalColumn(previousItems, itemDictionary));
        }
        return b.build();
    }

    private static String[] dictionary(StringLookup vocabulary) {
        String[] d = new String[vocabulary.size()];
        d[StringLookup.OOV_INDEX] = StringLookup.OOV_TOKEN;
        for (int i = 1; i < d.length; i++) {
            d[i] = vocabulary.token(i);
        }
        return d;
    }
}
