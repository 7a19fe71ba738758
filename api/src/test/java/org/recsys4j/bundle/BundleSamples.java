package org.recsys4j.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.recsys4j.model.Initializers;
import org.recsys4j.spec.Activation;
import org.recsys4j.spec.Adagrad;
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
     * Copies the files of a bundle an older release wrote (test resources under {@code
     * org/recsys4j/bundle/<fixture>/}) into {@code dir}, creating the folders they sit in.
     */
    public static Path fixture(String fixture, Path dir, String... files) throws IOException {
        for (String name : files) {
            Path to = dir.resolve(name);
            Files.createDirectories(to.getParent());
            try (InputStream in = BundleSamples.class.getResourceAsStream(fixture + "/" + name)) {
                if (in == null) {
                    throw new IOException("no test resource " + fixture + "/" + name);
                }
                Files.copy(in, to);
            }
        }
        return dir;
    }

    /** Everything a bundle holds, comparable with {@code equals}. */
    public static List<Object> content(ModelBundle b) {
        return List.of(b.spec(), b.vocabularies(), b.weights().asMap(), String.valueOf(b.training()),
                String.valueOf(b.provenance()));
    }
}
