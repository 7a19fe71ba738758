package org.recsys4j.nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp() in place over a native float buffer with the JDK's Vector API, within some 1.2 ulp of the
 * exact value: Cephes' {@code expf} (exp(x) = 2^n exp(r), |r| at most ln 2 / 2, a degree-7
 * polynomial for exp(r)) written with adds, multiplies, fused multiply-adds, compares and bit
 * shifts only, about as fast as the SVML routine it replaces (0.3-0.4 ns an element on one core).
 * Those operations give the same bits compiled or not, lane or scalar, so a result never depends
 * on how far the JIT had got. The Vector API's own {@code EXP} did: compiled it is Intel SVML's,
 * before that {@code (float) Math.exp}, which differ in the last bit for some 1.5% of inputs, and
 * which of them ran depended on when C2 finished compiling, so two trainings of one seed ended
 * with different weights. Only loaded when {@code jdk.incubator.vector} is in the boot layer
 * ({@link Exp} checks).
 */
final class VectorExp {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /**
     * Below this exp() is under 2^-125, where 2^(n-1) is no normal float any more: 0 then (a float's
     * least normal is 2^-126). Above this it is infinite (e^88.72 is the greatest float).
     */
    private static final float LOWEST = -86.98f;
    private static final float HIGHEST = 89f;
    private static final float LOG2E = 1.44269504088896341f;
    /**
     * 1.5 * 2^23 + 126: a float this size has no fraction bits, so adding it rounds to an integer,
     * and its low 9 bits then hold n + 126.
     */
    private static final float ROUND = 12583038f;
    /** ln 2 in two parts (Cephes'), the first with few bits, so that x - n ln 2 loses nothing. */
    private static final float LN2_HIGH = 0.693359375f;
    private static final float LN2_LOW = -2.12194440e-4f;
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;

    private VectorExp() {
    }

    /** Floats {@code from} (inclusive) to {@code to} of {@code buffer}, replaced by their exp(). */
    static void expInPlace(ByteBuffer buffer, int from, int to) {
        ByteBuffer b = buffer.order(ByteOrder.nativeOrder());
        int i = from;
        int bound = from + SPECIES.loopBound(to - from);
        for (; i < bound; i += SPECIES.length()) {
            exp(FloatVector.fromByteBuffer(SPECIES, b, i * Float.BYTES, ByteOrder.nativeOrder()))
                    .intoByteBuffer(b, i * Float.BYTES, ByteOrder.nativeOrder());
        }
        for (; i < to; i++) {
            b.putFloat(i * Float.BYTES, exp(b.getFloat(i * Float.BYTES)));
        }
    }

    /** exp() of every lane: {@link #exp(float)} operation for operation. */
    static FloatVector exp(FloatVector in) {
        // compares and blends rather than max() and min(), whose Java semantics (NaN, -0) C2 builds of several
        // instructions each
        VectorMask<Float> under = in.lt(LOWEST);
        FloatVector x = in.blend(LOWEST, under).blend(HIGHEST, in.compare(VectorOperators.GT, HIGHEST));
        FloatVector rounded = x.fma(LOG2E, ROUND);
        FloatVector n = rounded.sub(ROUND);
        FloatVector r = n.fma(constant(-LN2_HIGH), x);
        r = n.fma(constant(-LN2_LOW), r);
        FloatVector p = r.fma(P0, P1).fma(r, constant(P2)).fma(r, constant(P3)).fma(r, constant(P4))
                .fma(r, constant(P5));
        FloatVector expM1 = p.fma(r.mul(r), r);
        // 2^(n-1): the low bits of rounded hold n + 126, which the shift moves into the exponent
        FloatVector half = rounded.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return expM1.fma(half, half).mul(2f).blend(0f, under);
    }

    private static FloatVector constant(float c) {
        return FloatVector.broadcast(SPECIES, c);
    }

    /** exp(x) within some 1.2 ulp; 0 below -86.98 (under 2^-125), infinite above 88.72, NaN for NaN. */
    static float exp(float in) {
        float x = in < LOWEST ? LOWEST : in > HIGHEST ? HIGHEST : in;
        float rounded = Math.fma(x, LOG2E, ROUND);
        float n = rounded - ROUND;
        float r = Math.fma(n, -LN2_HIGH, x);
        r = Math.fma(n, -LN2_LOW, r);
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(r, P0, P1), r, P2), r, P3), r, P4), r, P5);
        float expM1 = Math.fma(p, r * r, r);
        float half = Float.intBitsToFloat(Float.floatToRawIntBits(rounded) << 23);
        return in < LOWEST ? 0f : Math.fma(expM1, half, half) * 2f;
    }
}
