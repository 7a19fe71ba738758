package org.recsys4j.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.recsys4j.io.JsonFiles;
import org.recsys4j.model.Initializers;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.Activation;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.FeatureSpec;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spec.TrainingConfig;
import org.recsys4j.vocab.StringLookup;

/** Small bundles for format tests, and their content as one comparable value. */
public final class BundleSamples {
    private BundleSamples() {
    }

    /** A bundle whose weights depend on {@code seed}: the one MakeV2 (format 2 fixture) wrote for 42. */
    public static ModelBundle sample(long seed) {
        StringLookup users = StringLookup.of(List.of("1", "2", "42"));
        StringLookup titles = StringLookup.of(List.of("Toy Story (1995)", "Misérables, Les (1995)"));
        RetrievalSpec spec = new RetrievalSpec(
                TowerSpec.embedding("query", "user_id", users.size(), 8).withDense(4, Activation.RELU),
                TowerSpec.embedding("candidate", "movie_title", titles.size(), 4),
                new RetrievalTaskSpec(1.0));
        return new ModelBundle(spec, Map.of("user_id", users, "movie_title", titles),
                Initializers.initialWeights(spec, seed), new TrainingConfig(new Adagrad(0.1), 8192, 4096, 3, 42),
                new Provenance("ml-100k", Map.of("u.data", "abc"), 42, "test", Map.of("java", "17"), "now"));
    }

    /**
     * A bundle whose query tower also reads the previous item, {@code previous_movie_title}, a context
     * feature over the titles' vocabulary, as {@code --preset temporal} trains one.
     */
    public static ModelBundle withPreviousItem(long seed) {
        StringLookup users = StringLookup.of(List.of("1", "2", "42"));
        StringLookup titles = StringLookup.of(List.of("Toy Story (1995)", "Misérables, Les (1995)"));
        RetrievalSpec spec = new RetrievalSpec(
                TowerSpec.embedding("query", "user_id", users.size(), 8)
                        .withFeature(FeatureSpec.context("previous_movie_title", titles.size()))
                        .withDense(4, Activation.RELU),
                TowerSpec.embedding("candidate", "movie_title", titles.size(), 4),
                new RetrievalTaskSpec(1.0));
        return new ModelBundle(spec, Map.of("user_id", users, "movie_title", titles, "previous_movie_title", titles),
                Initializers.initialWeights(spec, seed), new TrainingConfig(new Adagrad(0.1), 8192, 4096, 3, 42),
                new Provenance("ml-100k", Map.of("u.data", "abc"), 42, "test", Map.of("java", "17"), "now"));
    }

    /**
     * Copies the files of a bundle an older release wrote (test resources under {@code
     * org/recsys4j/bundle/<fixture>/}) into {@code dir}, creating the folders they sit in. Its
     * weights ({@code *.safetensors}) are not kept as a binary resource: that release drew them as
     * {@link #sample} does for seed 42, with the candidate vocabulary its {@code model.json} records,
     * so they are written again here, and the SHA-256 in that {@code model.json} checks that the
     * bytes are the ones the release wrote.
     */
    public static Path fixture(String fixture, Path dir, String... files) throws IOException {
        for (String name : files) {
            Path to = dir.resolve(name);
            Files.createDirectories(to.getParent());
            if (name.endsWith(".safetensors")) {
                Safetensors.write(to, olderReleaseWeights(fixture).asMap(), Map.of("format", "recsys4j-bundle"));
                continue;
            }
            try (InputStream in = resource(fixture + "/" + name)) {
                Files.copy(in, to);
            }
        }
        return dir;
    }

    private static Weights olderReleaseWeights(String fixture) throws IOException {
        JsonNode model;
        try (InputStream in = resource(fixture + "/model.json")) {
            model = JsonFiles.MAPPER.readTree(in);
        }
        int candidates = model.path("spec").path("candidate").path("vocabularySize").asInt();
        RetrievalSpec spec = sample(42).spec();
        RetrievalSpec written = new RetrievalSpec(spec.query(),
                TowerSpec.embedding("candidate", "movie_title", candidates, 4), spec.task());
        return Initializers.initialWeights(written, 42);
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = BundleSamples.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("no test resource " + name);
        }
        return in;
    }

    /** Everything a bundle holds, comparable with {@code equals}. */
    public static List<Object> content(ModelBundle b) {
        return List.of(b.spec(), b.vocabularies(), b.weights().asMap(), String.valueOf(b.training()),
                String.valueOf(b.provenance()));
    }
}
