package org.recsys4j.index;

/**
 * Codes of books with more than 16 codewords, one byte each, as indexes saved before
 * {@link Lut16Codes} were built: scored by one float table lookup per byte, block by block over a
 * whole leaf, so no chain of dependent additions holds the loop up.
 */
final class ByteCodes implements LeafCodes {
    private final byte[] codes;
    private final int[] leafOffsets;
    private final int blocks;
    private final int codewords;

    ByteCodes(byte[] byLeaf, int[] leafOffsets, int blocks, int codewords) {
        this.codes = byLeaf;
        this.leafOffsets = leafOffsets;
        this.blocks = blocks;
        this.codewords = codewords;
    }

    @Override
    public byte[] toBytes() {
        return codes;
    }

    @Override
    public void prepare(ScannSearch search) {
        // the float tables are read as they are
    }

    @Override
    public void scoreLeaf(int leaf, float leafScore, ScannSearch search) {
        int start = leafOffsets[leaf];
        int size = leafOffsets[leaf + 1] - start;
        float[] scores = search.scores;
        float[] tables = search.tables;
        java.util.Arrays.fill(scores, 0, size, leafScore);
        for (int b = 0, at = start * blocks; b < blocks; b++, at += size) {
            int table = b * codewords;
            for (int i = 0; i < size; i++) {
                scores[i] += tables[table + (codes[at + i] & 0xFF)];
            }
        }
        for (int i = 0; i < size; i++) {
            search.offer(scores[i], start + i);
        }
    }
}
