package org.recsys4j.nd4j;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A row-major rows x columns float matrix stored from element {@code offset} of a contiguous native
 * array: a matrix without an INDArray of its own. ND4J takes some 20-100 us here to make any array
 * or view (its shape information), and the softmax's workers made about ten a step, as much as a
 * 100k block's sparse work. On the CPU backend the products ({@link Gemm}), exp() ({@link Exp}) and
 * copies ({@link NativeFloats}) use the memory directly; elsewhere they go through {@link #view()}.
 *
 * @param array a float array whose elements lie contiguous in row-major order (flat or a matrix)
 */
record FloatRows(INDArray array, long offset, int rows, int columns) {
    FloatRows {
        if (array.dataType() != DataType.FLOAT || offset < 0 || rows < 0 || columns < 0
                || offset + (long) rows * columns > array.length() || !contiguous(array)) {
            throw new IllegalArgumentException(rows + " x " + columns + " floats from " + offset + " do not lie in "
                    + array.shapeInfoToString());
        }
    }

    /** The whole matrix, copied first where its elements are not contiguous in row-major order. */
    static FloatRows of(INDArray matrix) {
        INDArray x = contiguous(matrix) ? matrix : matrix.dup('c');
        return new FloatRows(x, 0, (int) x.rows(), (int) x.columns());
    }

    /** Rows {@code from} (inclusive) to {@code to}. */
    FloatRows rows(int from, int to) {
        return new FloatRows(array, offset + (long) from * columns, to - from, columns);
    }

    long length() {
        return (long) rows * columns;
    }

    /** Where the first element lies: host memory only. */
    FloatPointer pointer() {
        FloatPointer p = NativeFloats.pointer(array);
        return p.position(p.position() + offset);
    }

    /** An INDArray view of the matrix, on any backend. */
    INDArray view() {
        return Nd4j.create(array.data(), new long[] {rows, columns}, new long[] {columns, 1}, array.offset() + offset,
                'c');
    }

    /** Whether the array's elements lie contiguous in row-major order (of any rank). */
    private static boolean contiguous(INDArray x) {
        long expected = 1;
        for (int i = x.rank() - 1; i >= 0; i--) {
            if (x.size(i) != 1 && x.stride(i) != expected) {
                return false;
            }
            expected *= x.size(i);
        }
        return true;
    }
}
