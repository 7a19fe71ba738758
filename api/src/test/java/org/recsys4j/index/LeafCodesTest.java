package org.recsys4j.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.recsys4j.model.Embeddings;
import org.recsys4j.testing.TestData;

/** The two layouts of codes and their kernels: {@link Lut16Codes} (built today) and {@link ByteCodes} (older files). */
class LeafCodesTest {
    @Test
    void theVectorModuleIsThereInTests() {
        assertTrue(Lut16Codes.VECTORIZED, "the tests run with --add-modules jdk.incubator.vector (see the root pom)");
    }

    /**
     * Every entry's quantised sum, scaled, is its float table sum to within half a quantisation
     * step a block, and SIMD and scalar sums agree exactly; an odd number of blocks and leaves of
     * sizes that are no multiple of 32 included.
     */
    @Test
    void quantisedSumsAreTheFloatTableSumsWithinHalfAStepABlock() {
        Random random = new Random(11);
        for (int dim : new int[] {16, 10, 7}) {
            int n = 2000 + random.nextInt(500);
            Embeddings c = ScannIndexTest.clustered(random, n, dim, 20);
            ScannStructure s = new ScannIndex(ScannParameters.defaults().withNumLeaves(13))
                    .index(ScannIndexTest.ids(n), c).structure();
            Lut16Codes codes = (Lut16Codes) s.leafCodes();
            ProductQuantizer pq = s.quantizer();
            assertEquals(ProductQuantizer.LUT16_CODEWORDS, pq.codewords());
            ScannSearch search = ScannSearch.begin(s, 1, 1, Set.of());
            float[] q = TestData.randomEmbeddings(random, 1, dim).data();
            pq.tables(q, 0, search.tables);
            codes.prepare(search);
            short[] simd = new short[search.sums.length];
            short[] scalar = new short[search.sums.length];
            int[] hits = new int[search.hits.length];
            byte[] byLeaf = s.codes();
            int blocks = pq.blocks();
            for (int leaf = 0; leaf < s.leaves(); leaf++) {
                int start = s.leafOffsets()[leaf];
                int size = s.leafOffsets()[leaf + 1] - start;
                int groups = (size + Lut16Codes.GROUP - 1) / Lut16Codes.GROUP;
                assertEquals(groups, codes.sums(leaf, search.lut, Short.MIN_VALUE, simd, hits, true));
                assertEquals(groups, codes.sums(leaf, search.lut, Short.MIN_VALUE, scalar, hits, false));
                assertArrayEquals(scalar, simd, "dim " + dim + " leaf " + leaf);
                for (int i = 0; i < size; i++) {
                    float exact = 0;
                    for (int b = 0; b < blocks; b++) {
                        exact += search.tables[b * pq.codewords() + byLeaf[start * blocks + b * size + i]];
                    }
                    float approximate = search.lutBias + search.lutScale * simd[i];
                    assertEquals(exact, approximate, blocks * search.lutScale * 0.5f + 1e-4f,
                            "dim " + dim + " leaf " + leaf + " entry " + i);
                }
            }
            search.end();
        }
    }

    /** A group comes back when any of its sums reaches the threshold, and only then; SIMD and scalar alike. */
    @Test
    void onlyGroupsWithASumAtTheThresholdComeBack() {
        Random random = new Random(12);
        int n = 3000;
        Embeddings c = ScannIndexTest.clustered(random, n, 12, 10);
        ScannStructure s = new ScannIndex(ScannParameters.defaults().withNumLeaves(3))
                .index(ScannIndexTest.ids(n), c).structure();
        Lut16Codes codes = (Lut16Codes) s.leafCodes();
        ScannSearch search = ScannSearch.begin(s, 1, 1, Set.of());
        s.quantizer().tables(TestData.randomEmbeddings(random, 1, 12).data(), 0, search.tables);
        codes.prepare(search);
        short[] all = new short[search.sums.length];
        int[] hits = new int[search.hits.length];
        for (int leaf = 0; leaf < s.leaves(); leaf++) {
            int size = s.leafOffsets()[leaf + 1] - s.leafOffsets()[leaf];
            codes.sums(leaf, search.lut, Short.MIN_VALUE, all, hits, true);
            short[] sorted = java.util.Arrays.copyOf(all, size);
            java.util.Arrays.sort(sorted);
            short threshold = sorted[size - size / 20]; // about the best 5%
            for (boolean simd : new boolean[] {true, false}) {
                short[] some = new short[all.length];
                int hit = codes.sums(leaf, search.lut, threshold, some, hits, simd);
                java.util.Set<Integer> back = new java.util.HashSet<>();
                for (int h = 0; h < hit; h++) {
                    back.add(hits[h]);
                }
                for (int i = 0; i < size; i++) {
                    boolean reaches = false;
                    // the last group's padding entries count too: the kernel cannot tell them apart
                    for (int j = i / Lut16Codes.GROUP * Lut16Codes.GROUP; j < (i / Lut16Codes.GROUP + 1)
                            * Lut16Codes.GROUP; j++) {
                        reaches |= all[j] >= threshold;
                    }
                    assertEquals(reaches, back.contains(i / Lut16Codes.GROUP), "leaf " + leaf + " entry " + i);
                    if (reaches) {
                        assertEquals(all[i], some[i]);
                    }
                }
            }
        }
        search.end();
    }

    /**
     * An index with 256-codeword books, as saved before four-bit codes, is scored by byte codes:
     * searched and reordered in full it is brute force, and partly searched it finds most of the top 10.
     */
    @Test
    void booksOfMoreThan16CodewordsAreScoredByteByByte() {
        Random random = new Random(13);
        int n = 5000;
        Embeddings c = ScannIndexTest.clustered(random, n, 16, 40);
        ScannParameters p = ScannParameters.defaults().withNumLeaves(50);
        ScannStructure s = ScannStructure.build(ScannIndexTest.ids(n).toArray(String[]::new), c, p, 256);
        assertEquals(256, s.quantizer().codewords());
        assertTrue(s.leafCodes() instanceof ByteCodes);
        BruteForceIndex exact = new BruteForceIndex().index(ScannIndexTest.ids(n), c);
        ScannIndex all = new ScannIndex(null, p.withNumLeavesToSearch(50).withNumReorderingCandidates(n), s);
        Embeddings queries = TestData.randomEmbeddings(random, 50, 16);
        for (int i = 0; i < queries.rows(); i++) {
            TopK a = all.search(queries.row(i), 10, Set.of("item3"));
            TopK b = exact.search(queries.row(i), 10, Set.of("item3"));
            assertEquals(b.identifiers(), a.identifiers());
            assertArrayEquals(b.scores(), a.scores());
        }
        ScannIndex some = all.withSearch(15, 100);
        double recall = ScannIndexTest.recall(some, exact, queries, 10);
        assertTrue(recall >= 0.9, "recall@10 searching 15 of 50 leaves, reordering 100: " + recall);
    }
}
