package org.recsys4j.index;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Lut16Codes}' kernel on the JDK's vector API: per pair of blocks, one load of 32 entries'
 * codes, two byte shuffles through the blocks' 16-byte tables ({@code vpshufb}/{@code vpermb}),
 * and 16-bit additions of the even and the odd bytes. Only loaded when the vector module is there.
 */
final class Lut16Simd {
    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_256;
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_256;

    /** Calls that take C2 past its compile thresholds (about 10,000 here) with room to spare. */
    private static final int WARM_UP_CALLS = 30_000;
    private static final java.util.concurrent.atomic.AtomicBoolean WARM =
            new java.util.concurrent.atomic.AtomicBoolean();

    private Lut16Simd() {
    }

    /** Whether the CPU's vectors hold the 32 bytes a group needs (AVX2 or better). */
    static boolean fullWidth() {
        return ByteVector.SPECIES_PREFERRED.vectorBitSize() >= BYTES.vectorBitSize();
    }

    /**
     * Compiles {@link #sums} before the first search needs it, once per JVM: until C2 has compiled
     * it, the Vector API runs lane by lane through its Java fallback, and one search over a million
     * candidates took seconds (a server's first requests timed out). Driving it on one group of one
     * pair of blocks takes well under a second and leaves the compiled kernel behind.
     */
    static void warmUp() {
        if (!WARM.compareAndSet(false, true)) {
            return;
        }
        byte[] packed = new byte[Lut16Codes.GROUP];
        byte[] lut = new byte[2 * Lut16Codes.GROUP];
        short[] sums = new short[Lut16Codes.GROUP];
        int[] hits = new int[1];
        for (int i = 0; i < WARM_UP_CALLS; i++) {
            // sums of 0 against thresholds 0 and 1: both ways through the test
            sums(packed, 0, 1, 1, lut, (short) (i & 1), sums, hits);
        }
    }

    /**
     * The sums of {@code groups} groups of packed codes from {@code packed[from]}; a group with a
     * sum of at least {@code threshold} has its sums stored at {@code sums[g * GROUP ...]} and its
     * number in {@code hits}, the rest are dropped there and then. Returns the number of hits.
     */
    static int sums(byte[] packed, int from, int groups, int pairs, byte[] lut, short threshold, short[] sums,
            int[] hits) {
        ByteVector low = ByteVector.broadcast(BYTES, (byte) 0x0F);
        int hit = 0;
        for (int g = 0, at = from; g < groups; g++) {
            ShortVector even = ShortVector.zero(SHORTS);
            ShortVector odd = even;
            for (int p = 0; p < pairs; p++, at += Lut16Codes.GROUP) {
                ByteVector codes = ByteVector.fromArray(BYTES, packed, at);
                ByteVector first = codes.and(low)
                        .selectFrom(ByteVector.fromArray(BYTES, lut, 2 * p * Lut16Codes.GROUP));
                ByteVector second = codes.lanewise(VectorOperators.LSHR, 4).and(low)
                        .selectFrom(ByteVector.fromArray(BYTES, lut, (2 * p + 1) * Lut16Codes.GROUP));
                ShortVector a = first.reinterpretAsShorts();
                ShortVector b = second.reinterpretAsShorts();
                even = even.add(a.and((short) 0xFF)).add(b.and((short) 0xFF));
                odd = odd.add(a.lanewise(VectorOperators.LSHR, 8)).add(b.lanewise(VectorOperators.LSHR, 8));
            }
            if (even.max(odd).compare(VectorOperators.GE, threshold).anyTrue()) {
                even.intoArray(sums, g * Lut16Codes.GROUP);
                odd.intoArray(sums, g * Lut16Codes.GROUP + 16);
                hits[hit++] = g;
            }
        }
        return hit;
    }
}
