package org.recsys4j.index;

/**
 * Every leaf's product-quantised codes, laid out for the kernel that scores them, and that kernel.
 * {@link Lut16Codes} holds ScaNN's 16-codeword books, which {@link ScannIndex} builds and SIMD
 * scores; {@link ByteCodes} holds larger books (up to 256 codewords, one byte a code), which
 * indexes saved before that used, so their files keep loading and answering as they did.
 */
sealed interface LeafCodes permits Lut16Codes, ByteCodes {
    /**
     * The codes of {@code byLeaf}, in the layout they are saved in (see {@link #toBytes}), for
     * books of {@code codewords} codewords.
     */
    static LeafCodes of(byte[] byLeaf, int[] leafOffsets, int blocks, int codewords) {
        return codewords <= ProductQuantizer.LUT16_CODEWORDS ? new Lut16Codes(byLeaf, leafOffsets, blocks)
                : new ByteCodes(byLeaf, leafOffsets, blocks, codewords);
    }

    /**
     * The codes as {@link ScannIndexIO} saves them: leaf by leaf, one byte a code; in leaf l's run
     * (from {@code leafOffsets[l] * blocks}) block b of its i-th entry is at {@code b * leafSize + i}.
     */
    byte[] toBytes();

    /** Readies {@code search} for a query whose tables ({@code blocks x codewords} floats) it holds. */
    void prepare(ScannSearch search);

    /**
     * Offers to {@code search} every entry of {@code leaf} whose approximate score, {@code leafScore}
     * plus its code's table values, could get into the search's heap.
     */
    void scoreLeaf(int leaf, float leafScore, ScannSearch search);
}
