package org.recsys4j.nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp() in place over a native float buffer with the JDK's Vector API, which compiles
 * {@code EXP} to Intel SVML's vector routines: about 0.85 ns an element on one core here, against
 * 4-5 ns for ND4J's exp transform (scalar libm). Only loaded when {@code jdk.incubator.vector}
 * is in the boot layer ({@link Exp} checks).
 */
final class VectorExp {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private VectorExp() {
    }

    /** Floats {@code from} (inclusive) to {@code to} of {@code buffer}, replaced by their exp(). */
    static void expInPlace(ByteBuffer buffer, int from, int to) {
        ByteBuffer b = buffer.order(ByteOrder.nativeOrder());
        int i = from;
        int bound = from + SPECIES.loopBound(to - from);
        for (; i < bound; i += SPECIES.length()) {
            FloatVector.fromByteBuffer(SPECIES, b, i * Float.BYTES, ByteOrder.nativeOrder())
                    .lanewise(VectorOperators.EXP)
                    .intoByteBuffer(b, i * Float.BYTES, ByteOrder.nativeOrder());
        }
        for (; i < to; i++) {
            b.putFloat(i * Float.BYTES, (float) Math.exp(b.getFloat(i * Float.BYTES)));
        }
    }
}
