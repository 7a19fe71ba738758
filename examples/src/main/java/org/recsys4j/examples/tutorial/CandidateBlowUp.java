package org.recsys4j.examples.tutorial;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.recsys4j.model.Embeddings;

/**
 * Many candidates from a few, the way the TFRS efficient-serving tutorial makes them: the real
 * movies first, then copies of them, each embedding multiplied element by element by noise
 * uniform in [0, 1). The copies keep the movies' directions and spread, so an index meets the
 * same geometry it would meet on a large catalogue of real items.
 *
 * <p>Identifiers stay distinct (the row number follows the title: {@code "Star Wars (1977) #49"}),
 * so recall against brute force counts candidates, not titles.
 */
public final class CandidateBlowUp {
    /** The candidates' identifiers and embeddings, row for row. */
    public record Candidates(List<String> identifiers, Embeddings embeddings) {
    }

    private CandidateBlowUp() {
    }

    public static Candidates of(List<String> titles, Embeddings movies, int total, long seed) {
        int m = movies.rows();
        int d = movies.dim();
        if (titles.size() != m) {
            throw new IllegalArgumentException(titles.size() + " titles for " + m + " embeddings");
        }
        if (total < m) {
            throw new IllegalArgumentException("asked for " + total + " candidates, fewer than the " + m + " movies");
        }
        if ((long) total * d > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(total + " candidates of dimension " + d + " do not fit one array");
        }
        float[] src = movies.data();
        float[] out = new float[total * d];
        List<String> ids = new ArrayList<>(total);
        Random random = new Random(seed);
        for (int i = 0; i < total; i++) {
            int movie = i % m;
            for (int j = 0; j < d; j++) {
                float v = src[movie * d + j];
                out[i * d + j] = i < m ? v : v * random.nextFloat();
            }
            ids.add(titles.get(movie) + " #" + i);
        }
        return new Candidates(ids, new Embeddings(out, total, d));
    }
}
