package org.recsys4j.onnx;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.bundle.Provenance;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.model.FloatTensor;
import org.recsys4j.model.Initializers;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.Activation;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spec.TrainingConfig;
import org.recsys4j.testing.TestData;
import org.recsys4j.vocab.StringLookup;

/**
 * Bundles over the real MovieLens 100k vocabularies (943 users, 1,664 distinct titles), or over
 * made-up vocabularies of the same sizes for tests that need no real data. The
 * weights are the seeded initial ones scaled up to the size trained weights reach, so scores are
 * spread as a trained model's are; this module trains nothing (backends do not depend on each
 * other), and the examples' tests repeat the comparison on a TensorFlow-trained bundle.
 */
final class MovieLensBundles {
    private MovieLensBundles() {
    }

    static MovieLensData data() {
        return TestData.ml100k();
    }

    static List<String> movies() {
        return List.of(data().movies().strings("movie_title"));
    }

    static List<String> users() {
        return StringLookup.ofUnique(data().ratings().strings("user_id")).vocabulary();
    }

    /** The tutorial's towers: an embedding of dimension 32 each. */
    static ModelBundle embeddingOnly() {
        return embeddingOnly(users(), titles(), provenance());
    }

    /** Towers with dense layers after the embedding, one of each activation. */
    static ModelBundle withDenseLayers() {
        return withDenseLayers(users(), titles(), provenance());
    }

    /**
     * As {@link #embeddingOnly()}, over vocabularies of MovieLens 100k's sizes without its files:
     * users "1" to "943" (as MovieLens numbers them) and 1,664 made-up titles, for tests that need
     * a bundle of the real shape, not the real data.
     */
    static ModelBundle syntheticEmbeddingOnly() {
        return embeddingOnly(syntheticUsers(), syntheticMovies(), syntheticProvenance());
    }

    /** As {@link #withDenseLayers()}, over the synthetic vocabularies. */
    static ModelBundle syntheticWithDenseLayers() {
        return withDenseLayers(syntheticUsers(), syntheticMovies(), syntheticProvenance());
    }

    /**
     * The synthetic candidates: 1,664 titles, as many as MovieLens 100k's distinct ones, written as
     * its are, some with a comma, quotes, an apostrophe or letters beyond ASCII.
     */
    static List<String> syntheticMovies() {
        String[] odd = {"%d, The", "L'Amour %d", "\"Quoted\" %d", "Amélie %d", "Ça %d & Co.", "Movie %d"};
        return java.util.stream.IntStream.rangeClosed(1, 1664).mapToObj(i -> String.format(java.util.Locale.ROOT,
                odd[i % odd.length], i) + " (" + (1920 + i % 80) + ")").toList();
    }

    /** The synthetic users, "1" to "943" as MovieLens numbers them. */
    static List<String> syntheticUsers() {
        return java.util.stream.IntStream.rangeClosed(1, 943).mapToObj(Integer::toString).toList();
    }

    private static ModelBundle embeddingOnly(List<String> users, List<String> titles, Provenance provenance) {
        return bundle(tower("query", "user_id", users, 32), tower("candidate", "movie_title", titles, 32), users,
                titles, provenance);
    }

    private static ModelBundle withDenseLayers(List<String> users, List<String> titles, Provenance provenance) {
        return bundle(tower("query", "user_id", users, 24).withDense(48, Activation.RELU)
                        .withDense(16, Activation.TANH),
                tower("candidate", "movie_title", titles, 20).withDense(32, Activation.SIGMOID)
                        .withDense(16, Activation.LINEAR), users, titles, provenance);
    }

    /** A provenance that says what the synthetic bundles are, with one made-up data file's hash. */
    private static Provenance syntheticProvenance() {
        return new Provenance("synthetic", Map.of("ratings", "0123456789abcdef".repeat(4)), 42, "test",
                Map.of("java", System.getProperty("java.version")), Instant.parse("2026-01-01T00:00:00Z").toString());
    }

    private static Provenance provenance() {
        return new Provenance(data().name(), data().files(), 42, "test", Map.of("java", System.getProperty(
                "java.version")), Instant.parse("2026-01-01T00:00:00Z").toString());
    }

    private static List<String> titles() {
        return StringLookup.ofUnique(data().movies().strings("movie_title")).vocabulary();
    }

    private static TowerSpec tower(String name, String feature, List<String> vocabulary, int dim) {
        return TowerSpec.embedding(name, feature, vocabulary.size() + 1, dim);
    }

    private static ModelBundle bundle(TowerSpec query, TowerSpec candidate, List<String> users, List<String> titles,
            Provenance provenance) {
        RetrievalSpec spec = new RetrievalSpec(query, candidate, RetrievalTaskSpec.defaults());
        Map<String, FloatTensor> scaled = new LinkedHashMap<>();
        Initializers.initialWeights(spec, 42).asMap().forEach((name, t) -> {
            float[] v = t.data().clone();
            float factor = name.endsWith("/embedding") ? 10f : 1f; // +-0.5, as trained embeddings spread
            for (int i = 0; i < v.length; i++) {
                v[i] *= factor;
            }
            scaled.put(name, new FloatTensor(t.shape(), v));
        });
        Map<String, StringLookup> vocabularies = Map.of(
                "user_id", StringLookup.of(users), "movie_title", StringLookup.of(titles));
        return new ModelBundle(spec, vocabularies, new Weights(scaled),
                new TrainingConfig(new Adagrad(0.1), 8192, 4096, 3, 42), provenance);
    }
}
