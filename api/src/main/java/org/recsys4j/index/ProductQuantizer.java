package org.recsys4j.index;

import java.util.Arrays;
import java.util.Random;
import org.recsys4j.metrics.Scores;

/**
 * Product quantisation, ScaNN's "asymmetric hashing": the dimensions are cut into blocks of
 * {@code dimensionsPerBlock}, each block gets a codebook of up to 256 codewords learnt by k-means
 * ({@link ScannIndex} builds 16, four-bit codes), and a vector is stored as one byte per block (the
 * nearest codeword's number). A query scores a
 * code with one table lookup per block; each block's table holds the query's dot product with
 * every codeword, so the query itself is never quantised (hence "asymmetric").
 *
 * <p>{@link ScannIndex} quantises residuals (a vector minus its leaf's centre), which are small,
 * so one codebook serves every leaf and the table is built once per query.
 */
final class ProductQuantizer {
    /** Codes are one byte. */
    static final int MAX_CODEWORDS = 256;
    /**
     * ScaNN's codebook size, and what {@link ScannIndex} builds: a code is four bits, so a query's
     * table for a block is 16 values, which SIMD scores 32 candidates at a time (see {@link Lut16Codes}).
     */
    static final int LUT16_CODEWORDS = 16;

    private final int dim;
    private final int dimensionsPerBlock;
    private final int blocks;
    private final int codewords;
    /**
     * Block b's codeword c starts at {@code (b * codewords + c) * dimensionsPerBlock}; the last block may be narrower.
     */
    private final float[] codebooks;
    private final float[] halfNorms;
    /** Each block's codewords, dimension by dimension, for SIMD-friendly scoring. */
    private final ColumnMajor[] columns;

    ProductQuantizer(int dim, int dimensionsPerBlock, int codewords, float[] codebooks) {
        if (dim < 1 || dimensionsPerBlock < 1 || dimensionsPerBlock > dim) {
            throw new IllegalArgumentException(
                    "dimensionsPerBlock must be in [1, " + dim + "], got " + dimensionsPerBlock);
        }
        if (codewords < 1 || codewords > MAX_CODEWORDS) {
            throw new IllegalArgumentException("codewords must be in [1, " + MAX_CODEWORDS + "], got " + codewords);
        }
        this.dim = dim;
        this.dimensionsPerBlock = dimensionsPerBlock;
        this.blocks = blocks(dim, dimensionsPerBlock);
        this.codewords = codewords;
        if (codebooks.length != blocks * codewords * dimensionsPerBlock) {
            throw new IllegalArgumentException("codebooks of " + blocks + " blocks x " + codewords + " codewords x "
                    + dimensionsPerBlock + " need " + blocks * codewords * dimensionsPerBlock + " floats, got "
                    + codebooks.length);
        }
        this.codebooks = codebooks;
        this.halfNorms = new float[blocks * codewords];
        this.columns = new ColumnMajor[blocks];
        for (int b = 0; b < blocks; b++) {
            columns[b] = new ColumnMajor(codebooks, b * codewords * dimensionsPerBlock, dimensionsPerBlock, codewords,
                    width(b));
            for (int c = 0; c < codewords; c++) {
                int at = (b * codewords + c) * dimensionsPerBlock;
                halfNorms[b * codewords + c] = 0.5f * Scores.dot(codebooks, at, codebooks, at, width(b));
            }
        }
    }

    static int blocks(int dim, int dimensionsPerBlock) {
        return (dim + dimensionsPerBlock - 1) / dimensionsPerBlock;
    }

    /**
     * Learns codebooks of {@code codewords} codewords (fewer if there are fewer rows) from
     * {@code rows x dim} vectors (row-major), block by block.
     */
    static ProductQuantizer train(float[] vectors, int rows, int dim, int dimensionsPerBlock, int codewords,
            int iterations, Random random) {
        int blocks = blocks(dim, dimensionsPerBlock);
        if (codewords < 1 || codewords > MAX_CODEWORDS) {
            throw new IllegalArgumentException("codewords must be in [1, " + MAX_CODEWORDS + "], got " + codewords);
        }
        codewords = Math.min(codewords, rows);
        float[] codebooks = new float[blocks * codewords * dimensionsPerBlock];
        for (int b = 0; b < blocks; b++) {
            int from = b * dimensionsPerBlock;
            int width = Math.min(dimensionsPerBlock, dim - from);
            float[] sub = new float[rows * width];
            for (int i = 0; i < rows; i++) {
                System.arraycopy(vectors, i * dim + from, sub, i * width, width);
            }
            float[] centres = KMeans.train(sub, rows, width, codewords, iterations, random);
            for (int c = 0; c < codewords; c++) {
                System.arraycopy(centres, c * width, codebooks, (b * codewords + c) * dimensionsPerBlock, width);
            }
        }
        return new ProductQuantizer(dim, dimensionsPerBlock, codewords, codebooks);
    }

    int dim() {
        return dim;
    }

    int dimensionsPerBlock() {
        return dimensionsPerBlock;
    }

    int blocks() {
        return blocks;
    }

    int codewords() {
        return codewords;
    }

    float[] codebooks() {
        return codebooks;
    }

    private int width(int block) {
        return Math.min(dimensionsPerBlock, dim - block * dimensionsPerBlock);
    }

    /**
     * Encodes the vector at {@code vector[offset]} into {@code blocks()} bytes at {@code codes[out]};
     * {@code scratch} holds {@code codewords()} floats.
     */
    void encode(float[] vector, int offset, byte[] codes, int out, float[] scratch) {
        for (int b = 0; b < blocks; b++) {
            columns[b].dots(vector, offset + b * dimensionsPerBlock, scratch);
            int best = 0;
            float bestScore = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < codewords; c++) {
                // the nearest codeword has the largest x.c - |c|^2 / 2
                float s = scratch[c] - halfNorms[b * codewords + c];
                if (s > bestScore) {
                    bestScore = s;
                    best = c;
                }
            }
            codes[out + b] = (byte) best;
        }
    }

    /**
     * The query's lookup tables: block b's dot products with its codewords at
     * {@code out[b * codewords() ...]}; {@code out} holds at least {@code blocks() * codewords()}.
     */
    void tables(float[] query, int offset, float[] out) {
        for (int b = 0; b < blocks; b++) {
            int q = offset + b * dimensionsPerBlock;
            for (int c = 0; c < codewords; c++) {
                out[b * codewords + c] = Scores.dot(query, q, codebooks, (b * codewords + c) * dimensionsPerBlock,
                        width(b));
            }
        }
    }

    /** The decoded vector of a code, for tests and checks. */
    float[] decode(byte[] codes, int at) {
        float[] out = new float[dim];
        for (int b = 0; b < blocks; b++) {
            int c = codes[at + b] & 0xFF;
            System.arraycopy(codebooks, (b * codewords + c) * dimensionsPerBlock, out,
                    b * dimensionsPerBlock, width(b));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProductQuantizer p && p.dim == dim && p.dimensionsPerBlock == dimensionsPerBlock
                && p.codewords == codewords && Arrays.equals(p.codebooks, codebooks);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(codebooks) * 31 + dim;
    }
}
