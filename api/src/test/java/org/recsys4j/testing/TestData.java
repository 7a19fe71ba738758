package org.recsys4j.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.recsys4j.data.MovieLens100k;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.model.Embeddings;

/**
 * Where the real MovieLens 100k files are for tests: {@code -Drecsys4j.testData} (the build sets
 * it to {@code ../shared/data/ml-100k}), else {@code $RECSYS4J_DATA}. Tests that need them skip
 * with a message saying what is missing.
 */
public final class TestData {
    private static MovieLensData cached;

    private TestData() {
    }

    /** The MovieLens 100k directory; the calling test is skipped, with a message, when there is none. */
    public static Path ml100kDir() {
        String prop = System.getProperty("recsys4j.testData");
        if (prop != null && MovieLens100k.isDataDir(Path.of(prop))) {
            return Path.of(prop);
        }
        String env = System.getenv("RECSYS4J_DATA");
        if (env != null && MovieLens100k.isDataDir(Path.of(env))) {
            return Path.of(env);
        }
        if (env != null && MovieLens100k.isDataDir(Path.of(env, "ml-100k"))) {
            return Path.of(env, "ml-100k");
        }
        assumeTrue(false, "MovieLens 100k not found (looked at -Drecsys4j.testData=" + prop + " and RECSYS4J_DATA="
                + env + "); put u.data, u.item and u.user in ../shared/data/ml-100k or point one of those at them");
        return null;
    }

    /** MovieLens 100k from {@link #ml100kDir()}, loaded once per JVM and shared. */
    public static synchronized MovieLensData ml100k() {
        if (cached == null) {
            try {
                cached = MovieLens100k.load(ml100kDir());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return cached;
    }

    /** A table's training and test rows. */
    public record TrainTest(org.recsys4j.data.Interactions train, org.recsys4j.data.Interactions test) {
    }

    /**
     * The tutorial's split of {@code ratings}: {@link org.recsys4j.split.SplitSpec#seedDefault()}
     * with seed 42, on MovieLens 100k the 80,000 / 20,000 of the TFRS tutorial.
     */
    public static TrainTest tutorialSplit(org.recsys4j.data.Interactions ratings) {
        org.recsys4j.split.Split s = org.recsys4j.split.SplitSpec.seedDefault().apply(ratings.size(), null, null, 42);
        return new TrainTest(ratings.select(s.train()), ratings.select(s.test()));
    }

    /** Writes {@code content} to the file {@code name} in {@code dir} and returns its path. */
    public static Path write(Path dir, String name, String content, java.nio.charset.Charset charset) {
        try {
            Path p = dir.resolve(name);
            Files.writeString(p, content, charset);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code rows} standard-normal embeddings of dimension {@code dim}. */
    public static Embeddings randomEmbeddings(Random random, int rows, int dim) {
        float[] data = new float[rows * dim];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return new Embeddings(data, rows, dim);
    }

    /** The tutorial's towers (user id, movie title) at dimension {@code dim}, untrained from {@code seed}. */
    public static org.recsys4j.bundle.ModelBundle untrainedMovieLensBundle(MovieLensData ml, int dim, long seed) {
        var users = org.recsys4j.vocab.StringLookup.ofUnique(ml.ratings().strings("user_id"));
        var titles = org.recsys4j.vocab.StringLookup.ofUnique(ml.movies().strings("movie_title"));
        var spec = new org.recsys4j.spec.RetrievalSpec(
                org.recsys4j.spec.TowerSpec.embedding("query", "user_id", users.size(), dim),
                org.recsys4j.spec.TowerSpec.embedding("candidate", "movie_title", titles.size(), dim),
                org.recsys4j.spec.RetrievalTaskSpec.defaults());
        return new org.recsys4j.bundle.ModelBundle(spec, java.util.Map.of("user_id", users, "movie_title", titles),
                org.recsys4j.model.Initializers.initialWeights(spec, seed), null, null);
    }
}
