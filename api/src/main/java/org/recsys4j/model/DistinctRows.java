package org.recsys4j.model;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.spec.FeatureSpec;
import org.recsys4j.spec.TowerSpec;

/**
 * A tower's inputs in a batch, each distinct one once: a tower maps its id row (with its context
 * features' values) to one output, so a trainer runs it on the distinct inputs and gathers the
 * outputs back per example ({@link #of}), and a head's gradient sums back onto them. A batch of
 * 8,192 MovieLens ratings holds about 900 users and 1,200 titles.
 *
 * @param rows the distinct id rows, in order of first appearance
 * @param context per context feature, its value for each distinct input
 * @param of for each example, the position of its input in {@link #rows}
 */
public record DistinctRows(int[] rows, Features context, int[] of) {
    /** The distinct inputs of {@code tower} among a batch's features. */
    public static DistinctRows of(TowerSpec tower, Features features) {
        int[] ids = features.has(tower.feature()) ? features.rows(tower.feature()) : null;
        if (ids == null) {
            throw new IllegalArgumentException("tower '" + tower.name() + "' reads feature '" + tower.feature()
                    + "' but the batch has only " + features.names());
        }
        Features ctx = TowerInputs.context(tower, features);
        int n = ids.length;
        int[] of = new int[n];
        int[] first = new int[n];
        int distinct = 0;
        if (ctx.isEmpty()) {
            int[] slot = new int[tower.vocabularySize()];
            Arrays.fill(slot, -1);
            for (int i = 0; i < n; i++) {
                int r = ids[i];
                if (r < 0 || r >= slot.length) {
                    throw new IndexOutOfBoundsException("row " + r + " outside the vocabulary of " + slot.length
                            + " of tower '" + tower.name() + "'");
                }
                if (slot[r] < 0) {
                    slot[r] = distinct;
                    first[distinct++] = i;
                }
                of[i] = slot[r];
            }
        } else {
            // an input is its row and its context values, a numeric one by its bits
            List<int[]> columns = new java.util.ArrayList<>();
            for (FeatureSpec f : tower.contextFeatures()) {
                columns.add(f.numeric() ? bits(ctx.values(f.name())) : ctx.rows(f.name()));
            }
            Map<Key, Integer> slots = new HashMap<>();
            for (int i = 0; i < n; i++) {
                int[] key = new int[columns.size() + 1];
                key[0] = ids[i];
                for (int f = 0; f < columns.size(); f++) {
                    key[f + 1] = columns.get(f)[i];
                }
                Integer slot = slots.putIfAbsent(new Key(key), distinct);
                if (slot == null) {
                    first[distinct] = i;
                    slot = distinct++;
                }
                of[i] = slot;
            }
        }
        int[] rows = new int[distinct];
        for (int k = 0; k < distinct; k++) {
            rows[k] = ids[first[k]];
        }
        return new DistinctRows(rows, ctx.select(Arrays.copyOf(first, distinct)), of);
    }

    private static int[] bits(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Float.floatToRawIntBits(values[i]);
        }
        return out;
    }

    private record Key(int[] values) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(values, k.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }
    }
}
