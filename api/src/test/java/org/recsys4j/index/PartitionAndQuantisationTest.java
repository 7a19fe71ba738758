package org.recsys4j.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.recsys4j.metrics.Scores;
import org.recsys4j.model.Embeddings;
import org.recsys4j.testing.TestData;

/** The pieces under {@link ScannIndex}: column-major scoring, k-means, product quantisation. */
class PartitionAndQuantisationTest {
    @Test
    void columnMajorDotsAgreeWithPlainDotProducts() {
        Random random = new Random(1);
        for (int trial = 0; trial < 20; trial++) {
            int count = 1 + random.nextInt(300);
            int dim = 1 + random.nextInt(40);
            int stride = dim + random.nextInt(3);
            float[] rows = TestData.randomEmbeddings(random, count + 1, stride).data();
            ColumnMajor columns = new ColumnMajor(rows, 1, stride, count, dim);
            float[] x = TestData.randomEmbeddings(random, 1, dim).data();
            float[] out = new float[count + 5];
            columns.dots(x, 0, out);
            for (int c = 0; c < count; c++) {
                assertEquals(Scores.dot(x, 0, rows, 1 + c * stride, dim), out[c], 1e-4, "trial " + trial + " c " + c);
            }
        }
    }

    @Test
    void kMeansFindsWellSeparatedClusters() {
        Random random = new Random(2);
        int k = 5;
        int dim = 3;
        float[] truth = new float[k * dim];
        for (int c = 0; c < k; c++) {
            truth[c * dim + c % dim] = 20 * (c + 1); // far apart
        }
        int rows = 2000;
        float[] data = new float[rows * dim];
        int[] label = new int[rows];
        for (int i = 0; i < rows; i++) {
            label[i] = i % k;
            for (int j = 0; j < dim; j++) {
                data[i * dim + j] = truth[label[i] * dim + j] + (float) random.nextGaussian();
            }
        }
        float[] centres = KMeans.train(data, rows, dim, k, 20, new Random(3));
        int[] assigned = KMeans.assign(data, rows, dim, centres, k);
        // every true cluster maps to one centre, and different clusters to different centres
        Set<Integer> used = new HashSet<>();
        for (int c = 0; c < k; c++) {
            int centre = -1;
            for (int i = c; i < rows; i += k) {
                if (centre < 0) {
                    centre = assigned[i];
                }
                assertEquals(centre, assigned[i], "cluster " + c + " split");
            }
            assertTrue(used.add(centre), "two clusters share a centre");
        }
    }

    @Test
    void distinctSamplesAreDistinctAndInRange() {
        Random random = new Random(4);
        for (int n : new int[] {1, 7, 100}) {
            int[] s = KMeans.distinctSample(100, n, random);
            Set<Integer> seen = new HashSet<>();
            for (int v : s) {
                assertTrue(v >= 0 && v < 100 && seen.add(v));
            }
            assertEquals(n, seen.size());
        }
    }

    @Test
    void productQuantisationKeepsMostOfTheVectorAndItsTableScoresCodesExactly() {
        Random random = new Random(5);
        int rows = 4000;
        int dim = 10; // 4 + 4 + 2: the last block is narrower
        Embeddings x = TestData.randomEmbeddings(random, rows, dim);
        ProductQuantizer pq = ProductQuantizer.train(x.data(), rows, dim, 4, 256, 10, random);
        assertEquals(3, pq.blocks());
        assertEquals(256, pq.codewords());
        byte[] codes = new byte[rows * pq.blocks()];
        float[] scratch = new float[pq.codewords()];
        double error = 0;
        double norm = 0;
        for (int i = 0; i < rows; i++) {
            pq.encode(x.data(), i * dim, codes, i * pq.blocks(), scratch);
            float[] decoded = pq.decode(codes, i * pq.blocks());
            for (int j = 0; j < dim; j++) {
                double e = decoded[j] - x.get(i, j);
                error += e * e;
                norm += x.get(i, j) * x.get(i, j);
            }
        }
        assertTrue(error / norm < 0.2, "relative squared error " + error / norm);
        // a query's table scores a code as the dot product with its decoded vector
        float[] q = TestData.randomEmbeddings(random, 1, dim).data();
        float[] tables = new float[pq.blocks() * pq.codewords()];
        pq.tables(q, 0, tables);
        for (int i = 0; i < 50; i++) {
            float viaTable = 0;
            for (int b = 0; b < pq.blocks(); b++) {
                viaTable += tables[b * pq.codewords() + (codes[i * pq.blocks() + b] & 0xFF)];
            }
            assertEquals(Scores.dot(q, 0, pq.decode(codes, i * pq.blocks()), 0, dim), viaTable, 1e-4);
        }
        // fewer rows than codewords: one codeword a row, so every row is encoded exactly
        ProductQuantizer small = ProductQuantizer.train(x.data(), 3, dim, 5, 256, 10, random);
        assertEquals(3, small.codewords());
        byte[] c = new byte[2];
        small.encode(x.data(), dim, c, 0, new float[3]);
        assertArrayEquals(x.row(1), small.decode(c, 0), 1e-6f);
    }
}
