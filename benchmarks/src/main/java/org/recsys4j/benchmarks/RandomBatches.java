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

    /** TFRS basic ranking's model on these ids: user and title embeddings, Dense(256)-Dense(64)-Dense(1). */
    static org.recsys4j.spec.ModelSpec rankingSpec(int dim) {
        return new org.recsys4j.spec.ModelSpec(List.of(TowerSpec.embedding("user", "user_id", USERS + 1, dim),
                TowerSpec.embedding("movie", "movie_title", TITLES + 1, dim)),
                List.of(org.recsys4j.spec.RankingTask.rating("rating", List.of("user", "movie"), "user_rating", 1.0,
                        256, 64)));
    }

    /** As {@link #batches}, with a rating from 1 to 5 per example for the ranking task. */
    static List<FeatureBatch> rankingBatches(int count, int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed + 1);
        List<FeatureBatch> out = new ArrayList<>();
        for (FeatureBatch b : batches(count, size, seed)) {
            float[] ratings = new float[size];
            for (int i = 0; i < size; i++) {
                ratings[i] = 1 + random.nextInt(5);
            }
            out.add(new FeatureBatch(b.features().withValues("user_rating", ratings), null, size));
        }
        return out;
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
