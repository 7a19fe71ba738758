package org.recsys4j.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.recsys4j.model.Embeddings;
import org.recsys4j.testing.TestData;

class ScannIndexTest {
    static List<String> ids(int n) {
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add("item" + i);
        }
        return ids;
    }

    /** Gaussian clusters, as trained embeddings tend to form, with unequal norms. */
    static Embeddings clustered(Random random, int rows, int dim, int clusters) {
        float[] centres = TestData.randomEmbeddings(random, clusters, dim).data();
        float[] x = new float[rows * dim];
        for (int i = 0; i < rows; i++) {
            int c = random.nextInt(clusters);
            float scale = 0.5f + random.nextFloat();
            for (int j = 0; j < dim; j++) {
                x[i * dim + j] = scale * (centres[c * dim + j] + 0.4f * (float) random.nextGaussian());
            }
        }
        return new Embeddings(x, rows, dim);
    }

    static double recall(Index approximate, BruteForceIndex exact, Embeddings queries, int k) {
        double sum = 0;
        for (int i = 0; i < queries.rows(); i++) {
            Set<String> truth = new HashSet<>(exact.search(queries.row(i), k).identifiers());
            for (String id : approximate.search(queries.row(i), k).identifiers()) {
                sum += truth.contains(id) ? 1 : 0;
            }
        }
        return sum / (queries.rows() * (double) k);
    }

    @Test
    void recallAgainstBruteForceOnRandomData() {
        Random random = new Random(5);
        Embeddings candidates = clustered(random, 20_000, 32, 200);
        Embeddings queries = TestData.randomEmbeddings(random, 200, 32);
        BruteForceIndex exact = new BruteForceIndex().index(ids(20_000), candidates);
        // four-bit codes score coarsely, so ScaNN reorders a few hundred: here 200
        ScannIndex index = new ScannIndex(ScannParameters.defaults().withNumLeaves(100).withNumLeavesToSearch(20)
                .withNumReorderingCandidates(200)).index(ids(20_000), candidates);
        double recall = recall(index, exact, queries, 10);
        assertTrue(recall >= 0.9, "recall@10 searching 20 of 100 leaves, reordering 200: " + recall);
        // more leaves searched can only find more of the true top 10
        assertTrue(recall(index.withSearch(30, 300), exact, queries, 10) >= recall);
    }

    @Test
    void recallOnUnclusteredGaussianData() {
        // no structure for the leaves to exploit: the hard case, so more leaves are searched
        Random random = new Random(6);
        Embeddings candidates = TestData.randomEmbeddings(random, 10_000, 16);
        Embeddings queries = TestData.randomEmbeddings(random, 200, 16);
        BruteForceIndex exact = new BruteForceIndex().index(ids(10_000), candidates);
        ScannIndex index = new ScannIndex(ScannParameters.defaults().withNumLeaves(100).withNumLeavesToSearch(25)
                .withNumReorderingCandidates(200)).index(ids(10_000), candidates);
        double recall = recall(index, exact, queries, 10);
        assertTrue(recall >= 0.9, "recall@10 searching 25 of 100 leaves, reordering 200: " + recall);
    }

    @Test
    void searchingEverythingAndReorderingEverythingIsExactlyBruteForce() {
        Random random = new Random(9);
        for (int trial = 0; trial < 10; trial++) {
            int n = 1 + random.nextInt(600);
            int d = 1 + random.nextInt(24);
            Embeddings c = TestData.randomEmbeddings(random, n, d);
            int leaves = 1 + random.nextInt(20);
            ScannIndex index = new ScannIndex(ScannParameters.defaults().withNumLeaves(leaves)
                    .withNumLeavesToSearch(leaves).withNumReorderingCandidates(n)
                    .withDimensionsPerBlock(1 + random.nextInt(d))).index(ids(n), c);
            BruteForceIndex exact = new BruteForceIndex().index(ids(n), c);
            int k = 1 + random.nextInt(30);
            Set<String> excluded = random.nextBoolean() ? Set.of("item0", "item2") : Set.of();
            float[] q = TestData.randomEmbeddings(random, 1, d).data();
            TopK a = index.search(q, k, excluded);
            TopK b = exact.search(q, k, excluded);
            assertEquals(b.identifiers(), a.identifiers(), "trial " + trial);
            assertArrayEquals(b.scores(), a.scores(), "trial " + trial
                    + ": exact reordering uses brute force's scores");
        }
    }

    @Test
    void tiesAreBrokenAsBruteForceBreaksThem() {
        Embeddings c = new Embeddings(new float[] {1, 1, 1, 2, 0}, 5, 1);
        ScannIndex index = new ScannIndex(ScannParameters.defaults().withNumLeaves(2).withNumLeavesToSearch(2)
                .withDimensionsPerBlock(1).withNumReorderingCandidates(5)).index(List.of("a", "b", "c", "d", "e"), c);
        assertEquals(List.of("d", "a", "b"), index.search(new float[] {1}, 3).identifiers());
        assertEquals(List.of("a", "c", "e"), index.search(new float[] {1}, 3, Set.of("d", "b")).identifiers());
        assertEquals(5, index.search(new float[] {1}, 50).size());
    }

    @Test
    void withoutReorderingTheScoresAreTheQuantisedOnes() {
        Random random = new Random(3);
        Embeddings c = clustered(random, 3000, 16, 30);
        // a four-bit code a dimension: 16 codewords quantise one dimension of residual finely
        ScannIndex index = new ScannIndex(ScannParameters.defaults().withNumLeaves(30).withNumLeavesToSearch(30)
                .withDimensionsPerBlock(1).withNumReorderingCandidates(0)).index(ids(3000), c);
        float[] q = TestData.randomEmbeddings(random, 1, 16).data();
        TopK top = index.search(q, 10);
        assertEquals(10, top.size());
        BruteForceIndex exact = new BruteForceIndex().index(ids(3000), c);
        float best = exact.search(q, 1).scores()[0];
        assertTrue(Math.abs(top.scores()[0] - best) < 0.1 * Math.abs(best) + 0.1,
                "approximate best " + top.scores()[0] + " vs exact " + best);
        for (int i = 1; i < top.size(); i++) {
            assertTrue(top.scores()[i - 1] >= top.scores()[i], "best first");
        }
    }

    @Test
    void concurrentQueriesFromEightThreadsGiveTheSameResultsAsOne() throws Exception {
        Random random = new Random(21);
        Embeddings c = clustered(random, 20_000, 32, 100);
        ScannIndex index = new ScannIndex(ScannParameters.defaults().withNumLeaves(100).withNumLeavesToSearch(10)
                .withNumReorderingCandidates(50)).index(ids(20_000), c);
        Embeddings queries = TestData.randomEmbeddings(random, 400, 32);
        List<TopK> single = new ArrayList<>();
        for (int i = 0; i < queries.rows(); i++) {
            single.add(index.search(queries.row(i), 10));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<TopK>>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int offset = t * 50;
                futures.add(pool.submit(() -> {
                    List<TopK> out = new ArrayList<>();
                    // each thread walks all queries from its own starting point, so they overlap in time
                    for (int i = 0; i < queries.rows(); i++) {
                        out.add(index.search(queries.row((offset + i) % queries.rows()), 10));
                    }
                    return out;
                }));
            }
            for (int t = 0; t < 8; t++) {
                List<TopK> got = futures.get(t).get();
                for (int i = 0; i < queries.rows(); i++) {
                    assertEquals(single.get((t * 50 + i) % queries.rows()), got.get(i), "thread " + t + " query " + i);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(single, index.search(queries, 10), "the parallel batch search agrees too");
    }

    @Test
    void buildingTwiceWithTheSameSeedGivesTheSameIndex() {
        Random random = new Random(4);
        Embeddings c = clustered(random, 5000, 16, 20);
        ScannParameters p = ScannParameters.defaults().withNumLeaves(50);
        ScannStructure a = new ScannIndex(p).index(ids(5000), c).structure();
        ScannStructure b = new ScannIndex(p).index(ids(5000), c).structure();
        assertEquals(a, b);
    }

    @Test
    void smallAndEmptyIndexes() {
        ScannIndex tiny = new ScannIndex(ScannParameters.defaults().withNumLeaves(100).withNumLeavesToSearch(100)
                .withNumReorderingCandidates(10)).index(List.of("x", "y", "z"),
                new Embeddings(new float[] {1, 0, 0, 1, 1, 1}, 3, 2));
        assertEquals(3, tiny.leaves(), "no more leaves than candidates");
        assertEquals(List.of("z", "x", "y"), tiny.search(new float[] {1, 0.5f}, 10).identifiers());
        ScannIndex empty = new ScannIndex(ScannParameters.defaults())
                .index(List.of(), new Embeddings(new float[0], 0, 4));
        assertEquals(0, empty.size());
        assertTrue(empty.search(new float[4], 5).identifiers().isEmpty());
    }

    @Test
    void clearErrors() {
        ScannIndex unbuilt = new ScannIndex(ScannParameters.defaults());
        assertTrue(assertThrows(IllegalStateException.class, () -> unbuilt.search(new float[2], 1)).getMessage()
                .contains("nothing indexed"));
        ScannIndex index = new ScannIndex(ScannParameters.defaults().withNumLeaves(2)).index(List.of("a", "b"),
                new Embeddings(new float[] {1, 0, 0, 1}, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> index.search(new float[3], 1));
        assertThrows(IllegalArgumentException.class, () -> index.search(new float[2], 0));
        assertThrows(IllegalStateException.class, () -> index.query("user", 1), "no query tower");
        assertThrows(IllegalArgumentException.class, () -> new ScannIndex(ScannParameters.defaults())
                .index(List.of("a"), new Embeddings(new float[4], 2, 2)));
        assertThrows(IllegalArgumentException.class, () -> ScannParameters.defaults().withNumLeaves(0));
        assertThrows(IllegalArgumentException.class, () -> ScannParameters.defaults().withNumReorderingCandidates(-1));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ScannIndex(ScannParameters.defaults()
                .withDimensionsPerBlock(8)).index(List.of("a"), new Embeddings(new float[4], 1, 4))).getMessage()
                .contains("dimensionsPerBlock"));
        assertFalse(index.toString().isEmpty());
    }
}
