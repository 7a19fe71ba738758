package org.recsys4j.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.bundle.LatestItems;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.index.BruteForceIndex;
import org.recsys4j.index.Index;
import org.recsys4j.index.ScannIndexIO;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Tower;

/**
 * What the executors score with, broadcast once per model: the saved bundle's files (spec,
 * vocabularies, weights and, when the model uses one, the ScaNN index built on the driver) and the
 * candidate embeddings the driver computed for the brute-force index. Each executor rebuilds the
 * query tower and the index from them once, on first use, through the same format layer that
 * {@code BundleIO.load} is; the towers run in plain Java, so executors need no native backend.
 */
final class ScoringState implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Map<String, byte[]> bundleFiles;
    private final float[] candidateEmbeddings;
    private final int dim;
    private transient volatile Loaded loaded;

    /** The bundle as the executors use it. */
    record Loaded(ModelBundle bundle, Tower queryTower, Tower candidateTower, Index index, TokenIndex users,
            TokenIndex items, LatestItems latestItems) {
        /** The users' query embeddings, with their latest training items when the tower reads them. */
        Embeddings queries(int[] userRows) {
            return latestItems == null ? queryTower.embedIndices(userRows)
                    : queryTower.embedIndices(userRows, latestItems.fill(userRows, null));
        }
    }

    private ScoringState(Map<String, byte[]> bundleFiles, float[] candidateEmbeddings, int dim) {
        this.bundleFiles = bundleFiles;
        this.candidateEmbeddings = candidateEmbeddings;
        this.dim = dim;
    }

    /**
     * The state for the bundle saved in {@code dir}; {@code candidates} are the embeddings of every
     * item in vocabulary order (rows 1..n), for brute force, or null when {@code dir} holds an index.
     */
    static ScoringState of(Path dir, Embeddings candidates) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                files.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        }
        return new ScoringState(files, candidates == null ? null : candidates.data(),
                candidates == null ? 0 : candidates.dim());
    }

    Loaded loaded() {
        Loaded l = loaded;
        if (l == null) {
            synchronized (this) {
                l = loaded;
                if (l == null) {
                    l = load();
                    loaded = l;
                }
            }
        }
        return l;
    }

    private Loaded load() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("recsys4j-scoring");
            for (var e : bundleFiles.entrySet()) {
                Path p = dir.resolve(e.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, e.getValue());
            }
            ModelBundle bundle = BundleIO.load(dir);
            Tower query = bundle.javaQueryTower();
            Tower candidate = bundle.javaCandidateTower();
            TokenIndex items = new TokenIndex(bundle.vocabulary(bundle.spec().candidate()));
            Index index;
            if (candidateEmbeddings == null) {
                index = ScannIndexIO.load(dir, query);
            } else {
                List<String> ids = bundle.vocabulary(bundle.spec().candidate()).vocabulary();
                index = new BruteForceIndex(query).index(ids,
                        new Embeddings(candidateEmbeddings, candidateEmbeddings.length / dim, dim));
            }
            return new Loaded(bundle, query, candidate, index, new TokenIndex(bundle.vocabulary(bundle.spec().query())),
                    items, ModelIO.latestItems(dir, bundle));
        } catch (IOException e) {
            throw new UncheckedIOException("could not load the broadcast recsys4j bundle on this executor", e);
        } finally {
            ModelIO.deleteQuietly(dir);
        }
    }
}
