package org.recsys4j.spark;

import org.recsys4j.vocab.StringLookup;

/**
 * The training table as the driver holds it: one row per interaction, ids as vocabulary rows in
 * {@code int[]} columns, optional weights and timestamps, and per-item counts (for the logQ
 * correction), with no object per row.
 *
 * @param weights null when no weight column was given
 * @param timestamps null when no timestamp column was given
 * @param itemCounts interactions per item vocabulary row (row 0, OOV, has none)
 * @param timestampMean mean of the timestamps (0 without them)
 * @param timestampStd population standard deviation of the timestamps (1 without them)
 */
record EncodedInteractions(StringLookup userVocabulary, StringLookup itemVocabulary, int[] users, int[] items,
        float[] weights, double[] timestamps, long[] itemCounts, double timestampMean, double timestampStd) {

    int size() {
        return users.length;
    }
}
