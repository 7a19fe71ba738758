package org.recsys4j.index;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.recsys4j.model.Embeddings;

/**
 * What a {@link ScannIndex} learnt from its candidates, immutable once built: the candidates
 * themselves (identifiers, and embeddings for exact reordering), the leaves (k-means centres and,
 * per leaf, its candidates' positions), and each candidate's product-quantised residual, stored
 * leaf by leaf so a searched leaf is one contiguous run of codes, and within a leaf block by block
 * (all its candidates' first bytes, then all their second bytes, ...): a search then adds one
 * block's table values to a whole leaf of scores in a tight loop with no chain of dependent
 * additions, about three times faster than summing each candidate's bytes in turn (measured).
 * Built here, books have 16 codewords (ScaNN's four-bit codes), which {@link Lut16Codes} scores
 * with SIMD shuffles; indexes saved with larger books load and are scored by {@link ByteCodes}.
 *
 * <p>A position is an index into the candidates in indexing order; an entry is an index into the
 * leaf-ordered arrays.
 */
final class ScannStructure {
    /** Candidate identifiers, by position. */
    private final String[] identifiers;
    /** Candidate embeddings, by position, for exact reordering. */
    private final Embeddings candidates;
    /** Leaf centres, {@code leaves x dim}. */
    private final float[] centres;
    /** Leaf l holds entries {@code leafOffsets[l]} (inclusive) to {@code leafOffsets[l + 1]}. */
    private final int[] leafOffsets;
    /** Per entry, the candidate's position. */
    private final int[] leafPositions;
    /** The residual codebooks. */
    private final ProductQuantizer quantizer;
    /**
     * Code bytes: leaf l's run starts at {@code leafOffsets[l] * blocks}; in it, block b of the
     * leaf's i-th entry is at {@code b * leafSize + i}.
     */
    private final byte[] codes;
    private final int largestLeaf;
    /** The centres again, dimension by dimension: a query scores every leaf in one SIMD-friendly pass. */
    private final ColumnMajor centreColumns;
    /** The codes again, laid out for the kernel that scores them. */
    private final LeafCodes leafCodes;

    /** Checks everything a loaded file could get wrong; throws {@link IllegalArgumentException} saying what. */
    ScannStructure(String[] identifiers, Embeddings candidates, float[] centres, int[] leafOffsets,
            int[] leafPositions, ProductQuantizer quantizer, byte[] codes) {
        validate(identifiers, candidates, centres, leafOffsets, leafPositions, quantizer, codes);
        this.identifiers = identifiers;
        this.candidates = candidates;
        this.centres = centres;
        this.leafOffsets = leafOffsets;
        this.leafPositions = leafPositions;
        this.quantizer = quantizer;
        this.codes = codes;
        int largest = 0;
        for (int l = 0; l + 1 < leafOffsets.length; l++) {
            largest = Math.max(largest, leafOffsets[l + 1] - leafOffsets[l]);
        }
        this.largestLeaf = largest;
        this.centreColumns = new ColumnMajor(centres, 0, candidates.dim(), leafOffsets.length - 1, candidates.dim());
        this.leafCodes = LeafCodes.of(codes, leafOffsets, quantizer.blocks(), quantizer.codewords());
    }

    String[] identifiers() {
        return identifiers;
    }

    Embeddings candidates() {
        return candidates;
    }

    float[] centres() {
        return centres;
    }

    int[] leafOffsets() {
        return leafOffsets;
    }

    int[] leafPositions() {
        return leafPositions;
    }

    ProductQuantizer quantizer() {
        return quantizer;
    }

    byte[] codes() {
        return codes;
    }

    LeafCodes leafCodes() {
        return leafCodes;
    }

    /** The most entries any leaf holds: the size of a search's scratch scores. */
    int largestLeaf() {
        return largestLeaf;
    }

    /** Every leaf centre's dot product with the query, into {@code out}. */
    void leafScores(float[] query, int offset, float[] out) {
        centreColumns.dots(query, offset, out);
    }

    int size() {
        return identifiers.length;
    }

    int dim() {
        return candidates.dim();
    }

    int leaves() {
        return leafOffsets.length - 1;
    }

    /**
     * Learns the leaves and codebooks from a seeded sample, assigns every candidate to its nearest
     * leaf, and encodes its residual.
     */
    static ScannStructure build(String[] identifiers, Embeddings candidates, ScannParameters p) {
        return build(identifiers, candidates, p, ProductQuantizer.LUT16_CODEWORDS);
    }

    /** As {@link #build(String[], Embeddings, ScannParameters)}, with books of up to {@code codewords} codewords. */
    static ScannStructure build(String[] identifiers, Embeddings candidates, ScannParameters p, int codewords) {
        int n = candidates.rows();
        int d = candidates.dim();
        float[] x = candidates.data();
        if (p.dimensionsPerBlock() > d) {
            throw new IllegalArgumentException("dimensionsPerBlock " + p.dimensionsPerBlock()
                    + " is more than the embedding dimension " + d);
        }
        if (n == 0) { // nothing to learn: no leaves, and a one-codeword codebook of zeros
            int blocks = ProductQuantizer.blocks(d, p.dimensionsPerBlock());
            return new ScannStructure(identifiers, candidates, new float[0], new int[] {0}, new int[0],
                    new ProductQuantizer(d, p.dimensionsPerBlock(), 1, new float[blocks * p.dimensionsPerBlock()]),
                    new byte[0]);
        }
        Random random = new Random(p.seed());
        int leaves = Math.min(p.numLeaves(), n);
        int sampleSize = Math.min(n, Math.max(p.trainingSampleSize(), leaves));
        int[] sampleRows = KMeans.distinctSample(n, sampleSize, random);
        float[] sample = new float[sampleSize * d];
        for (int i = 0; i < sampleSize; i++) {
            System.arraycopy(x, sampleRows[i] * d, sample, i * d, d);
        }
        float[] centres = KMeans.train(sample, sampleSize, d, leaves, p.trainingIterations(), random);

        // codebooks learnt on the sample's residuals, then every candidate's residual encoded
        int[] sampleLeaf = KMeans.assign(sample, sampleSize, d, centres, leaves);
        float[] sampleResiduals = residuals(sample, sampleSize, d, centres, sampleLeaf);
        ProductQuantizer quantizer = ProductQuantizer.train(sampleResiduals, sampleSize, d, p.dimensionsPerBlock(),
                codewords, p.trainingIterations(), random);
        int[] leafOf = KMeans.assign(x, n, d, centres, leaves);
        int blocks = quantizer.blocks();
        byte[] codesByPosition = new byte[n * blocks];
        int chunk = 1024;
        IntStream.range(0, (n + chunk - 1) / chunk).parallel().forEach(t -> {
            float[] residual = new float[d];
            float[] scratch = new float[quantizer.codewords()];
            for (int i = t * chunk, end = Math.min(n, i + chunk); i < end; i++) {
                int c = leafOf[i] * d;
                for (int j = 0; j < d; j++) {
                    residual[j] = x[i * d + j] - centres[c + j];
                }
                quantizer.encode(residual, 0, codesByPosition, i * blocks, scratch);
            }
        });

        // group entries by leaf (a counting sort keeps indexing order within a leaf)
        int[] offsets = new int[leaves + 1];
        for (int leaf : leafOf) {
            offsets[leaf + 1]++;
        }
        for (int l = 0; l < leaves; l++) {
            offsets[l + 1] += offsets[l];
        }
        int[] next = Arrays.copyOf(offsets, leaves);
        int[] positions = new int[n];
        byte[] codes = new byte[n * blocks];
        for (int i = 0; i < n; i++) {
            int leaf = leafOf[i];
            int e = next[leaf]++;
            positions[e] = i;
            int start = offsets[leaf];
            int size = offsets[leaf + 1] - start;
            for (int b = 0; b < blocks; b++) {
                codes[start * blocks + b * size + (e - start)] = codesByPosition[i * blocks + b];
            }
        }
        return new ScannStructure(identifiers, candidates, centres, offsets, positions, quantizer, codes);
    }

    private static float[] residuals(float[] x, int rows, int d, float[] centres, int[] leafOf) {
        float[] r = new float[rows * d];
        for (int i = 0; i < rows; i++) {
            int c = leafOf[i] * d;
            for (int j = 0; j < d; j++) {
                r[i * d + j] = x[i * d + j] - centres[c + j];
            }
        }
        return r;
    }

    /**
     * What a loaded file cannot be trusted to hold: shapes agree, offsets rise from 0 to the number
     * of candidates, every candidate sits in exactly one leaf, codes name real codewords, values are
     * finite.
     */
    private static void validate(String[] identifiers, Embeddings candidates, float[] centres, int[] leafOffsets,
            int[] leafPositions, ProductQuantizer quantizer, byte[] codes) {
        int n = identifiers.length;
        int d = candidates.dim();
        if (candidates.rows() != n) {
            throw new IllegalArgumentException(n + " identifiers for " + candidates.rows() + " embeddings");
        }
        for (String id : identifiers) {
            if (id == null) {
                throw new IllegalArgumentException("an identifier is null");
            }
        }
        if (quantizer.dim() != d) {
            throw new IllegalArgumentException("codebooks of dimension " + quantizer.dim() + " for embeddings of " + d);
        }
        if (leafOffsets.length < 1) {
            throw new IllegalArgumentException("leaf offsets must hold at least one value");
        }
        int leaves = leafOffsets.length - 1;
        if (centres.length != leaves * d) {
            throw new IllegalArgumentException(leaves + " leaves of dimension " + d + " need " + (long) leaves * d
                    + " centre values, got " + centres.length);
        }
        if (leafOffsets[0] != 0 || leafOffsets[leaves] != n) {
            throw new IllegalArgumentException("leaf offsets must run from 0 to " + n + ", they run from "
                    + leafOffsets[0] + " to " + leafOffsets[leaves]);
        }
        for (int l = 0; l < leaves; l++) {
            if (leafOffsets[l + 1] < leafOffsets[l]) {
                throw new IllegalArgumentException("leaf offsets fall at leaf " + l);
            }
        }
        if (leafPositions.length != n) {
            throw new IllegalArgumentException(leafPositions.length + " leaf entries for " + n + " candidates");
        }
        boolean[] seen = new boolean[n];
        for (int pos : leafPositions) {
            if (pos < 0 || pos >= n || seen[pos]) {
                throw new IllegalArgumentException("leaf entries must name each candidate once; " + pos
                        + (pos < 0 || pos >= n ? " is out of range" : " appears twice"));
            }
            seen[pos] = true;
        }
        if (codes.length != (long) n * quantizer.blocks()) {
            throw new IllegalArgumentException(n + " candidates of " + quantizer.blocks() + " code bytes need "
                    + (long) n * quantizer.blocks() + " bytes, got " + codes.length);
        }
        int codewords = quantizer.codewords();
        if (codewords < ProductQuantizer.MAX_CODEWORDS) {
            for (byte c : codes) {
                if ((c & 0xFF) >= codewords) {
                    throw new IllegalArgumentException("a code names codeword " + (c & 0xFF) + " of " + codewords);
                }
            }
        }
        for (float v : centres) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("a leaf centre holds a non-finite value");
            }
        }
        for (float v : quantizer.codebooks()) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("a codebook holds a non-finite value");
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScannStructure s && Arrays.equals(s.identifiers, identifiers)
                && s.candidates.equals(candidates) && Arrays.equals(s.centres, centres)
                && Arrays.equals(s.leafOffsets, leafOffsets) && Arrays.equals(s.leafPositions, leafPositions)
                && s.quantizer.equals(quantizer) && Arrays.equals(s.codes, codes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(centres) * 31 + Arrays.hashCode(leafPositions);
    }

    @Override
    public String toString() {
        return "ScannStructure[" + size() + " candidates, " + leaves() + " leaves, " + quantizer.blocks()
                + " code bytes each]";
    }
}
