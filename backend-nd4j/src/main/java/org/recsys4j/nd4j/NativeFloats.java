package org.recsys4j.nd4j;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Float matrices between Java arrays and ND4J's native memory in one bulk copy. ND4J's own
 * {@code Nd4j.create(float[])} and {@code data().asFloat()} go element by element through an
 * indexer, which costs more than the step's arithmetic until the JIT has compiled it (the first
 * ten epochs of the seed config).
 */
final class NativeFloats {
    private NativeFloats() {
    }

    /** A new row-major rows x columns float array (in the current workspace, if any) holding {@code values}. */
    static INDArray matrix(float[] values, long rows, long columns) {
        if (values.length != rows * columns) {
            throw new IllegalArgumentException(values.length + " values for a " + rows + "x" + columns + " matrix");
        }
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, rows, columns);
        if (values.length > 0) {
            pointer(out).put(values, 0, values.length);
        }
        return out;
    }

    /** The array's values in row-major order. */
    static float[] copy(INDArray x) {
        INDArray rowMajor = x.dataType() == DataType.FLOAT && isRowMajor(x) ? x : x.castTo(DataType.FLOAT).dup('c');
        float[] out = new float[(int) rowMajor.length()];
        if (out.length > 0) {
            pointer(rowMajor).get(out, 0, out.length);
        }
        return out;
    }

    /** The native memory of a row-major array, to read and write in place (no copy). */
    static FloatBuffer buffer(INDArray x) {
        if (x.dataType() != DataType.FLOAT || !isRowMajor(x)) {
            throw new IllegalArgumentException("not a row-major float array: " + x.shapeInfoToString());
        }
        FloatPointer p = pointer(x);
        return p.limit(p.position() + x.length()).asBuffer();
    }

    /** Where the array's first element lies: a view's offset included. */
    static FloatPointer pointer(INDArray x) {
        FloatPointer base = (FloatPointer) x.data().pointer();
        return new FloatPointer(base).position(base.position() + x.offset());
    }

    /** Whether the elements lie contiguous in row-major order, so that one copy reads them. */
    static boolean isRowMajor(INDArray x) {
        long expected = 1;
        for (int i = x.rank() - 1; i >= 0; i--) {
            if (x.size(i) != 1 && x.stride(i) != expected) {
                return false;
            }
            expected *= x.size(i);
        }
        return x.data().pointer() != null;
    }
}
