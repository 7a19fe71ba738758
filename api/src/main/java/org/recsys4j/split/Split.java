package org.recsys4j.split;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The rows a {@link SplitSpec} chose: {@code train} in a seeded random order, ready to batch (for
 * {@code random:F}, the shuffle that chose it, so the seed's split keeps its order); {@code test}
 * in file order (for {@code random:F}, in shuffled order). Rows are positions in the table that was
 * split; each appears in exactly one of the two.
 */
public record Split(SplitSpec spec, long seed, int[] train, int[] test) {
    public Split {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
    }

    /** The rows split: training plus test. */
    public int rows() {
        return train.length + test.length;
    }

    /** What a report records: the spec, the seed and the sizes. */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("spec", spec.toString());
        out.put("seed", seed);
        out.put("train_rows", train.length);
        out.put("test_rows", test.length);
        return out;
    }

    @Override
    public String toString() {
        return spec + " (seed " + seed + "): " + train.length + " train, " + test.length + " test";
    }
}
