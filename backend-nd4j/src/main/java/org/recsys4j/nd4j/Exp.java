package org.recsys4j.nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * exp() in place over a score matrix, the in-batch softmax's costliest pass after its products.
 * With the JDK's vector module on the command line ({@code --add-modules jdk.incubator.vector},
 * as the {@code recsys4j} launcher and the build's tests give it) it runs vectorised in Java on
 * the array's own native memory (the softmax's workers each take their own block); without it,
 * ND4J's exp.
 * Both are float exp() to within a few ulps, so results agree either way; each gives the same
 * bits every run, so a seed trains to the same weights.
 *
 * <p>The Vector API is fast only once C2 has compiled it: before that it runs lane by lane
 * through its Java fallback at some 800 ns an element, and took the first four epochs of the
 * seed config to get through. So a daemon thread drives it to compilation on a tiny buffer as
 * soon as the backend loads (about 0.3 s, overlapping data loading), and the first exp() waits
 * for that thread, so that a run's exp() is fast from the start. Its bits never depend on the JIT
 * ({@link VectorExp} says why).
 */
public final class Exp {
    /** Whether the vector module is there: then {@link VectorExp} can load. */
    static final boolean VECTORIZED = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !Boolean.getBoolean("recsys4j.nd4j.noVectorExp");
    /** Calls on a short buffer that take C2 past its compile thresholds (about 10,000 here) with room to spare. */
    private static final int WARM_UP_CALLS = 30_000;
    private static final Thread WARM_UP = VECTORIZED ? startWarmUp() : null;

    private Exp() {
    }

    /** Starts the warm-up, if it has not started: a no-op beyond loading this class. */
    static void prepare() {
    }

    private static Thread startWarmUp() {
        Thread t = new Thread(() -> {
            ByteBuffer buffer = ByteBuffer.allocateDirect(64 * Float.BYTES).order(ByteOrder.nativeOrder());
            for (int call = 0; call < WARM_UP_CALLS; call++) {
                for (int i = 0; i < 64; i++) {
                    buffer.putFloat(i * Float.BYTES, (i - 32) * 0.5f);
                }
                VectorExp.expInPlace(buffer, 0, 64);
            }
        }, "recsys4j-exp-warm-up");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void awaitWarmUp() {
        boolean interrupted = false;
        while (WARM_UP.isAlive()) {
            try {
                WARM_UP.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** exp() of every element of the matrix, in place, as {@link #inPlace(INDArray)} computes it. */
    static void inPlace(FloatRows s) {
        if (!VECTORIZED || !NativeFloats.host() || s.length() > Integer.MAX_VALUE) {
            inPlace(s.view());
            return;
        }
        awaitWarmUp();
        int n = (int) s.length();
        FloatPointer p = s.pointer();
        VectorExp.expInPlace(p.limit(p.position() + n).asByteBuffer().slice(), 0, n);
    }

    /**
     * exp() of every element, in place; a row-major block of a bigger array changes nothing outside it.
     * Public for the benchmarks' floor of a training step, which times the trainer's own exp.
     */
    public static INDArray inPlace(INDArray s) {
        if (!VECTORIZED || s.dataType() != DataType.FLOAT || !NativeFloats.isRowMajor(s)
                || s.length() > Integer.MAX_VALUE) {
            return Transforms.exp(s, false);
        }
        awaitWarmUp();
        int n = (int) s.length();
        FloatPointer p = NativeFloats.pointer(s);
        // JavaCPP's buffer starts at the pointer's address and is positioned at its position: slice it
        VectorExp.expInPlace(p.limit(p.position() + n).asByteBuffer().slice(), 0, n);
        return s;
    }
}
