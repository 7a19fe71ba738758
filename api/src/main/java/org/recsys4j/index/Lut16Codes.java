package org.recsys4j.index;

/**
 * Codes of 16-codeword books (four bits each), laid out for ScaNN's "LUT16" scoring: a query's
 * table for a block is quantised to 16 bytes, and a SIMD byte shuffle looks up 32 candidates'
 * codes in it at once ({@link Lut16Simd}; a scalar loop over the same layout where the JDK's
 * vector module is absent). About ten times faster than a float lookup per byte code (measured in
 * {@code MetricAndIndexBenchmark}), at the cost of an approximate score that is itself
 * approximated: the exact reordering that follows makes up for both.
 *
 * <p>Layout: each leaf is cut into groups of {@link #GROUP} entries (the last one padded with
 * code 0); a group holds, per pair of blocks, 32 bytes whose low nibble is the first block's code
 * and high nibble the second's. Byte {@code 2j} holds entry {@code j}, byte {@code 2j + 1} entry
 * {@code 16 + j}, so that summing the even and the odd bytes as 16-bit lanes gives entries 0-15
 * and 16-31 in order.
 */
final class Lut16Codes implements LeafCodes {
    /** Entries scored together: one 256-bit vector of byte codes. */
    static final int GROUP = 32;
    /**
     * Whether the JDK's vector module is there, so {@link Lut16Simd} can load, and the CPU has
     * 256-bit vectors (AVX2 or better): narrower ones would run it lane by lane.
     */
    static final boolean VECTORIZED = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !Boolean.getBoolean("recsys4j.index.noVectorLut") && Lut16Simd.fullWidth();

    private final byte[] codes;
    private final int[] leafOffsets;
    private final int blocks;
    private final int pairs;
    /** Leaf l's groups start at group {@code groupStarts[l]}. */
    private final int[] groupStarts;
    private final byte[] packed;

    Lut16Codes(byte[] byLeaf, int[] leafOffsets, int blocks) {
        if (VECTORIZED) {
            Lut16Simd.warmUp(); // as an index is built or loaded, not on a search
        }
        this.codes = byLeaf;
        this.leafOffsets = leafOffsets;
        this.blocks = blocks;
        this.pairs = paddedBlocks(blocks) / 2;
        int leaves = leafOffsets.length - 1;
        this.groupStarts = new int[leaves + 1];
        for (int l = 0; l < leaves; l++) {
            groupStarts[l + 1] = groupStarts[l] + groups(leafOffsets[l + 1] - leafOffsets[l]);
        }
        this.packed = new byte[groupStarts[leaves] * pairs * GROUP];
        for (int l = 0; l < leaves; l++) {
            int start = leafOffsets[l];
            int size = leafOffsets[l + 1] - start;
            for (int i = 0; i < size; i++) {
                int group = groupStarts[l] + i / GROUP;
                int j = i % GROUP;
                int slot = j < 16 ? 2 * j : 2 * (j - 16) + 1;
                for (int b = 0; b < blocks; b++) {
                    int code = byLeaf[start * blocks + b * size + i] & 0x0F;
                    packed[(group * pairs + b / 2) * GROUP + slot] |= (byte) (b % 2 == 0 ? code : code << 4);
                }
            }
        }
    }

    /** Blocks rounded up to pairs: a byte holds two codes. */
    static int paddedBlocks(int blocks) {
        return (blocks + 1) / 2 * 2;
    }

    private static int groups(int entries) {
        return (entries + GROUP - 1) / GROUP;
    }

    @Override
    public byte[] toBytes() {
        return codes;
    }

    /**
     * Quantises the query's float tables to bytes: block b's value for codeword c becomes
     * {@code round((t[b][c] - min_b) / scale)}, one scale for all blocks, small enough that the
     * sum over all blocks fits a 16-bit lane; the minima add up to a bias.
     */
    @Override
    public void prepare(ScannSearch search) {
        int codewords = search.structure.quantizer().codewords();
        float[] tables = search.tables;
        float range = 0;
        float bias = 0;
        for (int b = 0; b < blocks; b++) {
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < codewords; c++) {
                min = Math.min(min, tables[b * codewords + c]);
                max = Math.max(max, tables[b * codewords + c]);
            }
            range = Math.max(range, max - min);
            bias += min;
        }
        int levels = Math.min(255, Short.MAX_VALUE / paddedBlocks(blocks));
        float scale = range > 0 ? range / levels : 1f;
        byte[] lut = search.lut;
        java.util.Arrays.fill(lut, (byte) 0);
        for (int b = 0; b < blocks; b++) {
            float min = Float.POSITIVE_INFINITY;
            for (int c = 0; c < codewords; c++) {
                min = Math.min(min, tables[b * codewords + c]);
            }
            for (int c = 0; c < codewords; c++) {
                lut[b * GROUP + c] = (byte) Math.round((tables[b * codewords + c] - min) / scale);
            }
        }
        search.lutBias = bias;
        search.lutScale = scale;
    }

    @Override
    public void scoreLeaf(int leaf, float leafScore, ScannSearch search) {
        int start = leafOffsets[leaf];
        int size = leafOffsets[leaf + 1] - start;
        float base = leafScore + search.lutBias;
        float scale = search.lutScale;
        // sums below this cannot beat the heap's bar (floored: a few too many get through, none too few)
        float bar = search.bar();
        double lowest = bar == Float.NEGATIVE_INFINITY ? Short.MIN_VALUE : Math.floor((bar - base) / scale);
        short threshold = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, lowest));
        short[] sums = search.sums;
        int[] hits = search.hits;
        int hit = sums(leaf, search.lut, threshold, sums, hits, VECTORIZED);
        for (int h = 0; h < hit; h++) {
            int g = hits[h];
            for (int i = g * GROUP, end = Math.min(size, i + GROUP); i < end; i++) {
                if (sums[i] >= threshold) {
                    search.offer(base + scale * sums[i], start + i);
                }
            }
        }
    }

    /**
     * Leaf {@code leaf}'s entries' sums of their codes' {@code lut} values: the groups with a sum
     * of at least {@code threshold} have their sums at {@code sums[g * GROUP ...]} and their
     * numbers g in {@code hits}; returns their count.
     */
    int sums(int leaf, byte[] lut, short threshold, short[] sums, int[] hits, boolean simd) {
        int groups = groups(leafOffsets[leaf + 1] - leafOffsets[leaf]);
        int from = groupStarts[leaf] * pairs * GROUP;
        if (simd) {
            return Lut16Simd.sums(packed, from, groups, pairs, lut, threshold, sums, hits);
        }
        int hit = 0;
        for (int g = 0; g < groups; g++) {
            if (scalarSums(from + g * pairs * GROUP, lut, threshold, sums, g * GROUP)) {
                hits[hit++] = g;
            }
        }
        return hit;
    }

    /** One group's sums into {@code sums[to ...]}; whether any reaches {@code threshold}. */
    private boolean scalarSums(int from, byte[] lut, short threshold, short[] sums, int to) {
        boolean any = false;
        for (int j = 0; j < GROUP; j++) {
            int slot = j < 16 ? 2 * j : 2 * (j - 16) + 1;
            int sum = 0;
            for (int p = 0, at = from + slot; p < pairs; p++, at += GROUP) {
                int code = packed[at];
                sum += (lut[2 * p * GROUP + (code & 0x0F)] & 0xFF)
                        + (lut[(2 * p + 1) * GROUP + ((code >>> 4) & 0x0F)] & 0xFF);
            }
            sums[to + j] = (short) sum;
            any |= sum >= threshold;
        }
        return any;
    }
}
