package org.recsys4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.vocab.StringLookup;

/**
 * Synthetic data shaped like the TFRS tutorial (944 user rows, 1665 title rows), so benchmarks
 * need no data files. Ids are drawn with a popularity skew like MovieLens's.
 */
final class RandomBatches {
    static final int USERS = 943;
    static final int TITLES = 1664;

    private RandomBatches() {
    }

    static StringLookup users() {
        return StringLookup.of(IntStream.rangeClosed(1, USERS).mapToObj(Integer::toString).toList());
    }

    static StringLookup titles() {
        return StringLookup.of(IntStream.rangeClosed(1, TITLES).mapToObj(i -> "title " + i).toList());
    }

    static RetrievalSpec spec(int dim) {
        return new RetrievalSpec(TowerSpec.embedding("query", "user_id", USERS + 1, dim),
                TowerSpec.embedding("candidate", "movie_title", TITLES + 1, dim), RetrievalTaskSpec.defaults());
    }

    static List<FeatureBatch> batches(int count, int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<FeatureBatch> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            int[] u = new int[size];
            int[] t = new int[size];
            for (int i = 0; i < size; i++) {
                u[i] = 1 + skewed(random, USERS);
                t[i] = 1 + skewed(random, TITLES);
            }
            out.add(new FeatureBatch(Map.of("user_id", u, "movie_title", t), null, size));
        }
        return out;
    }

    /** Roughly Zipf: small indices are much more frequent, as popular movies are. */
    private static int skewed(SplittableRandom random, int n) {
        double x = Math.pow(random.nextDouble(), 2.5);
        return Math.min(n - 1, (int) (x * n));
    }
}
