package org.recsys4j.nd4j;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Float matrices between Java arrays and ND4J's native memory in one bulk copy. ND4J's own
 * {@code Nd4j.create(float[])} and {@code data().asFloat()} go element by element through an
 * indexer, which costs more than the step's arithmetic until the JIT has compiled it (the first
 * ten epochs of the seed config).
 *
 * <p>Only ND4J's CPU backend keeps an array in host memory that may be read and written behind
 * its back. On any other (CUDA), every method here goes through ND4J's own copies, and
 * {@link #isRowMajor} answers false, which sends {@link Gemm} and {@link Exp} to ND4J's ops.
 */
final class NativeFloats {
    /** Whether arrays live in host memory that this class may touch directly. */
    private static volatile boolean host = Nd4j.getEnvironment().isCPU();

    private NativeFloats() {
    }

    static boolean host() {
        return host;
    }

    /**
     * For tests: {@code false} sends every path through ND4J's own ops and copies, as on a CUDA
     * backend, so that those paths run on the CPU too. Returns the previous setting.
     */
    static boolean useHostMemory(boolean direct) {
        boolean before = host;
        host = direct && Nd4j.getEnvironment().isCPU();
        return before;
    }

    /**
     * A new row-major rows x columns float array (in the current workspace, if any) holding the
     * first rows x columns of {@code values}: the softmax's gradients lie in longer, kept arrays.
     */
    static INDArray matrix(float[] values, long rows, long columns) {
        int n = Math.toIntExact(rows * columns);
        if (values.length < n) {
            throw new IllegalArgumentException(values.length + " values for a " + rows + "x" + columns + " matrix");
        }
        if (!host) {
            return Nd4j.create(values.length == n ? values : Arrays.copyOf(values, n), new long[] {rows, columns},
                    DataType.FLOAT);
        }
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, rows, columns);
        if (n > 0) {
            pointer(out).put(values, 0, n);
        }
        return out;
    }

    /** The array's values in row-major order. */
    static float[] copy(INDArray x) {
        if (!host) {
            return x.castTo(DataType.FLOAT).dup('c').data().asFloat();
        }
        INDArray rowMajor = x.dataType() == DataType.FLOAT && isRowMajor(x) ? x : x.castTo(DataType.FLOAT).dup('c');
        float[] out = new float[(int) rowMajor.length()];
        if (out.length > 0) {
            pointer(rowMajor).get(out, 0, out.length);
        }
        return out;
    }

    /** The matrix's elements, row-major, into the first {@code x.length()} of {@code out}. */
    static void read(FloatRows x, float[] out) {
        if (x.length() == 0) {
            return;
        }
        if (!host) {
            System.arraycopy(copy(x.view()), 0, out, 0, (int) x.length());
        } else {
            x.pointer().get(out, 0, (int) x.length());
        }
    }

    /** A row-major float array's elements, to read and write: in place on the CPU backend. */
    static View view(INDArray x) {
        if (x.dataType() != DataType.FLOAT || x.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("not a float array of int size: " + x.shapeInfoToString());
        }
        if (!host) {
            return new View(x, FloatBuffer.wrap(copy(x)), true);
        }
        if (!isRowMajor(x)) {
            throw new IllegalArgumentException("not a row-major array: " + x.shapeInfoToString());
        }
        FloatPointer p = pointer(x);
        return new View(x, p.limit(p.position() + x.length()).asBuffer(), false);
    }

    /** Sets every element of a row-major float array, in row-major order. */
    static void write(INDArray x, float[] values) {
        try (View v = view(x)) {
            v.floats().put(0, values);
        }
    }

    /**
     * Sets the matrix's elements, row-major, from the first {@code x.length()} of {@code values},
     * leaving the array's others: threads may write disjoint rows of one array at once.
     */
    static void write(FloatRows x, float[] values) {
        write(x, values, 0);
    }

    /** As {@link #write(FloatRows, float[])}, from element {@code from} of {@code values}. */
    static void write(FloatRows x, float[] values, int from) {
        int n = (int) x.length();
        if (n == 0) {
            return;
        }
        if (!host) {
            float[] v = from == 0 && values.length == n ? values : Arrays.copyOfRange(values, from, from + n);
            x.view().assign(Nd4j.create(v, new long[] {x.rows(), x.columns()}, DataType.FLOAT));
        } else {
            x.pointer().put(values, from, n);
        }
    }

    /** The matrix's elements to read and write: in place on the CPU backend. */
    static View view(FloatRows x) {
        if (!host) {
            return view(x.view());
        }
        FloatPointer p = x.pointer();
        return new View(null, p.limit(p.position() + x.length()).asBuffer(), false);
    }

    /** An array's elements as a FloatBuffer; a host copy (off the CPU backend) goes back on close. */
    record View(INDArray target, FloatBuffer floats, boolean copied) implements AutoCloseable {
        @Override
        public void close() {
            if (copied) {
                target.assign(Nd4j.create(floats.array(), target.shape(), DataType.FLOAT));
            }
        }
    }

    /** Where the array's first element lies: a view's offset included. */
    static FloatPointer pointer(INDArray x) {
        FloatPointer base = (FloatPointer) x.data().pointer();
        return new FloatPointer(base).position(base.position() + x.offset());
    }

    /** Whether the elements lie contiguous in row-major order, so that one copy reads them. */
    static boolean isRowMajor(INDArray x) {
        if (!host) {
            return false;
        }
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
