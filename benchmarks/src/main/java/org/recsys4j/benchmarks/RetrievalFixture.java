package org.recsys4j.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.data.MovieLens100k;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.index.BruteForceIndex;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Initializers;
import org.recsys4j.model.Tower;
import org.recsys4j.onnx.OnnxExport;
import org.recsys4j.onnx.OnnxFiles;
import org.recsys4j.onnx.OnnxRetrievalIndex;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.vocab.StringLookup;

/**
 * What the retrieval benchmarks serve: MovieLens 100k's 943 users and 1,682 movies, a bundle (a
 * trained one from {@code bundle}, else the tutorial's towers at their seeded initial weights, which
 * cost the same to run), its {@code retrieval.onnx} in ONNX Runtime, and the plain-Java
 * brute-force index over the same candidates for comparison.
 */
final class RetrievalFixture implements AutoCloseable {
    final List<String> users;
    final OnnxRetrievalIndex onnx;
    final BruteForceIndex java;
    final Tower javaQueryTower;
    private final Path dir;

    RetrievalFixture(String dataDir, String bundleDir, int threads) throws IOException {
        MovieLensData ml = MovieLens100k.load(Path.of(dataDir));
        StringLookup userIds = StringLookup.ofUnique(ml.ratings().strings("user_id"));
        users = userIds.vocabulary();
        List<String> movies = List.of(ml.movies().strings("movie_title"));
        ModelBundle bundle = bundleDir.isEmpty() ? initial(userIds, StringLookup.ofUnique(ml.movies()
                .strings("movie_title"))) : BundleIO.load(Path.of(bundleDir));
        Embeddings candidates = bundle.javaCandidateTower().embed(movies.toArray(String[]::new));
        dir = Files.createTempDirectory("recsys4j-bench-onnx");
        OnnxFiles files = OnnxExport.write(bundle, movies, candidates, 10, dir);
        onnx = OnnxRetrievalIndex.open(files.retrieval(),
                new BackendOptions(threads > 0 ? Map.of("threads", Integer.toString(threads)) : Map.of()));
        javaQueryTower = bundle.javaQueryTower();
        java = new BruteForceIndex(javaQueryTower).index(movies, candidates);
    }

    private static ModelBundle initial(StringLookup users, StringLookup titles) {
        RetrievalSpec spec = new RetrievalSpec(TowerSpec.embedding("query", "user_id", users.size(), 32),
                TowerSpec.embedding("candidate", "movie_title", titles.size(), 32), RetrievalTaskSpec.defaults());
        return new ModelBundle(spec, Map.of("user_id", users, "movie_title", titles),
                Initializers.initialWeights(spec, 42), null, null);
    }

    /** {@code n} user ids, cycling through all users (a batch of 4096 repeats them). */
    List<String> batch(int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(users.get(i % users.size()));
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        onnx.close();
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }
}
