package org.recsys4j.nd4j;

import java.nio.ByteBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * exp() in place over a score matrix, the in-batch softmax's costliest pass after its products.
 * With the JDK's vector module on the command line ({@code --add-modules jdk.incubator.vector},
 * as the {@code recsys4j} launcher and the build's tests give it) it runs vectorised in Java on
 * the array's own native memory, split over the backend's threads; without it, ND4J's exp.
 * Both are float exp() to within a few ulps, so results agree either way.
 */
final class Exp {
    /** Whether the vector module is there: then {@link VectorExp} can load. */
    static final boolean VECTORIZED = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !Boolean.getBoolean("recsys4j.nd4j.noVectorExp");
    /** Below this many elements one thread does it all. */
    private static final int SPLIT = 1 << 20;

    private Exp() {
    }

    static INDArray inPlace(INDArray s, int threads) {
        // element-wise, so any order will do as long as the array is its whole buffer
        if (!VECTORIZED || s.dataType() != DataType.FLOAT || s.isView() || s.offset() != 0
                || s.data().length() != s.length() || s.length() > Integer.MAX_VALUE) {
            return Transforms.exp(s, false);
        }
        ByteBuffer buffer = s.data().asNio();
        int n = (int) s.length();
        int parts = n < SPLIT ? 1 : Math.max(1, threads);
        if (parts == 1) {
            VectorExp.expInPlace(buffer, 0, n);
        } else {
            int chunk = (n + parts - 1) / parts;
            java.util.stream.IntStream.range(0, parts).parallel().forEach(p -> VectorExp.expInPlace(
                    buffer.duplicate(), p * chunk, Math.min(n, (p + 1) * chunk)));
        }
        return s;
    }
}
