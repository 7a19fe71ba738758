package org.recsys4j.nd4j;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code out = alpha op(a) op(b) + beta out} with OpenBLAS's {@code cblas_sgemm} called on the
 * arrays' own memory. ND4J's {@code gemm}/{@code mmul} route products of the in-batch softmax's
 * shapes (about 1000 x 32 x 1000) through its op executioner at 1.5-3 times the time of the
 * BLAS call itself (measured here with OpenBLAS 0.3.28: 1.3 ms against 0.5 ms); for the
 * trainer's three products a step, that overhead was most of the step.
 *
 * <p>Any float matrix whose rows or columns are contiguous is taken as is (a row block of a
 * row-major array, or a transposed view); anything else, and every array off ND4J's CPU backend,
 * goes to ND4J's gemm.
 */
final class Gemm {
    private Gemm() {
    }

    /** A new row-major {@code op(a) op(b)}. */
    static INDArray product(INDArray a, INDArray b, boolean transposeA, boolean transposeB) {
        long m = transposeA ? a.columns() : a.rows();
        long n = transposeB ? b.rows() : b.columns();
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, m, n);
        into(a, b, out, transposeA, transposeB, 1f, 0f);
        return out;
    }

    static void into(INDArray a, INDArray b, INDArray out, boolean transposeA, boolean transposeB, float alpha,
            float beta) {
        long m = transposeA ? a.columns() : a.rows();
        long k = transposeA ? a.rows() : a.columns();
        long n = transposeB ? b.rows() : b.columns();
        if ((transposeB ? b.columns() : b.rows()) != k || out.rows() != m || out.columns() != n) {
            throw new IllegalArgumentException("gemm shapes do not match: " + shape(a, transposeA) + " x "
                    + shape(b, transposeB) + " -> " + out.rows() + "x" + out.columns());
        }
        if (m == 0 || n == 0) {
            return;
        }
        Layout la = Layout.of(a);
        Layout lb = Layout.of(b);
        Layout lo = Layout.of(out);
        if (la == null || lb == null || lo == null || lo.transposed) {
            // ND4J's gemm writes into no view: the product goes to a new array first
            INDArray product = Nd4j.gemm(a, b, transposeA, transposeB).castTo(DataType.FLOAT);
            if (alpha != 1f) {
                product.muli(alpha);
            }
            if (beta == 0f) {
                out.assign(product);
            } else {
                out.muli(beta).addi(product);
            }
            return;
        }
        // a matrix stored column-major is its transpose stored row-major
        int opA = transposeA != la.transposed ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        int opB = transposeB != lb.transposed ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, opA, opB, (int) m, (int) n, (int) k, alpha,
                la.pointer, la.leading, lb.pointer, lb.leading, beta, lo.pointer, lo.leading);
    }

    /** As {@link #into(INDArray, INDArray, INDArray, boolean, boolean, float, float)}, on matrices without views. */
    static void into(FloatRows a, FloatRows b, FloatRows out, boolean transposeA, boolean transposeB, float alpha,
            float beta) {
        if (!NativeFloats.host()) {
            into(a.view(), b.view(), out.view(), transposeA, transposeB, alpha, beta);
            return;
        }
        int m = transposeA ? a.columns() : a.rows();
        int k = transposeA ? a.rows() : a.columns();
        int n = transposeB ? b.rows() : b.columns();
        if ((transposeB ? b.columns() : b.rows()) != k || out.rows() != m || out.columns() != n) {
            throw new IllegalArgumentException("gemm shapes do not match: " + a.rows() + "x" + a.columns()
                    + (transposeA ? "^T" : "") + " x " + b.rows() + "x" + b.columns() + (transposeB ? "^T" : "")
                    + " -> " + out.rows() + "x" + out.columns());
        }
        if (m == 0 || n == 0) {
            return;
        }
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                transposeA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                transposeB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans, m, n, k, alpha,
                a.pointer(), Math.max(1, a.columns()), b.pointer(), Math.max(1, b.columns()), beta, out.pointer(),
                Math.max(1, out.columns()));
    }

    private static String shape(INDArray x, boolean transposed) {
        return transposed ? x.columns() + "x" + x.rows() : x.rows() + "x" + x.columns();
    }

    /** Where a matrix starts, its leading dimension, and whether it is stored column-major. */
    private record Layout(FloatPointer pointer, int leading, boolean transposed) {
        static Layout of(INDArray x) {
            if (!NativeFloats.host() || x.dataType() != DataType.FLOAT || x.rank() != 2
                    || x.data().pointer() == null) {
                return null;
            }
            long rowStride = x.stride(0);
            long columnStride = x.stride(1);
            long rows = x.rows();
            long columns = x.columns();
            boolean transposed;
            long leading;
            if (columnStride == 1 || columns == 1) {
                transposed = false;
                leading = Math.max(rowStride, columns);
            } else if (rowStride == 1 || rows == 1) {
                transposed = true;
                leading = Math.max(columnStride, rows);
            } else {
                return null;
            }
            if (leading > Integer.MAX_VALUE || rows > Integer.MAX_VALUE || columns > Integer.MAX_VALUE) {
                return null;
            }
            return new Layout(NativeFloats.pointer(x), (int) leading, transposed);
        }
    }
}
