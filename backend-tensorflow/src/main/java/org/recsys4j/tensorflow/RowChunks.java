package org.recsys4j.tensorflow;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * A batch's examples cut into {@code count} consecutive chunks of (nearly) equal size, so that a
 * ranking head can be built once per chunk: data parallelism inside one graph. Each chunk's
 * forward and backward pass is a chain of its own that the executor's inter-op threads run side by
 * side, where one whole-batch chain leaves a core idle between its many small ops. One chunk is the
 * whole batch: no op is added.
 */
final class RowChunks {
    final int count;
    /** Each chunk's size: {@code n / count}, the last one taking the remainder; null for one chunk. */
    private final Operand<TInt32> sizes;

    /** @param n the batch's number of examples, a scalar */
    RowChunks(Ops tf, int count, Operand<TInt32> n) {
        if (count < 1) {
            throw new IllegalArgumentException("a batch is cut into 1 chunk or more, got " + count);
        }
        this.count = count;
        if (count == 1) {
            sizes = null;
            return;
        }
        Ops scope = tf.withSubScope("row_chunks");
        Operand<TInt32> each = scope.math.floorDiv(n, scope.constant(count));
        Operand<TInt32> last = scope.math.sub(n, scope.math.mul(each, scope.constant(count - 1)));
        sizes = scope.concat(List.of(scope.fill(scope.constant(new int[] {count - 1}), each),
                scope.reshape(last, scope.constant(new int[] {1}))), scope.constant(0));
    }

    /** The chunks of a per-example tensor (its first dimension is the batch's). */
    <T extends TType> List<Operand<T>> split(Ops tf, Operand<T> perExample) {
        if (count == 1) {
            return List.of(perExample);
        }
        List<Operand<T>> out = new ArrayList<>();
        tf.splitV(perExample, sizes, tf.constant(0), (long) count).output().forEach(out::add);
        return out;
    }
}
