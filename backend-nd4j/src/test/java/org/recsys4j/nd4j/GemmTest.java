package org.recsys4j.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The direct BLAS call against a product written out in double, on views of every layout the trainer hands it. */
class GemmTest {
    private final Random random = new Random(17);

    @Test
    void matchesTheProductOnEveryLayoutAndTranspose() {
        for (int trial = 0; trial < 60; trial++) {
            int m = 1 + random.nextInt(40);
            int k = 1 + random.nextInt(40);
            int n = 1 + random.nextInt(40);
            boolean ta = random.nextBoolean();
            boolean tb = random.nextBoolean();
            INDArray a = operand(ta ? k : m, ta ? m : k);
            INDArray b = operand(tb ? n : k, tb ? k : n);
            INDArray out = operand(m, n);
            INDArray before = out.dup('c');
            float alpha = random.nextBoolean() ? 1f : 0.5f;
            float beta = random.nextBoolean() ? 0f : 1f;
            Gemm.into(a, b, out, ta, tb, alpha, beta);
            double[] expected = new double[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double dot = 0;
                    for (int l = 0; l < k; l++) {
                        dot += (double) (ta ? a.getFloat(l, i) : a.getFloat(i, l))
                                * (tb ? b.getFloat(j, l) : b.getFloat(l, j));
                    }
                    expected[i * n + j] = alpha * dot + beta * before.getFloat(i, j);
                }
            }
            float[] actual = out.dup('c').data().asFloat();
            for (int i = 0; i < expected.length; i++) {
                assertArrayEquals(new float[] {(float) expected[i]}, new float[] {actual[i]}, 1e-4f,
                        "trial " + trial + " element " + i + " " + describe(a) + " " + describe(b) + " "
                        + describe(out));
            }
        }
    }

    @Test
    void theCpuBackendTakesTheDirectPath() {
        assertTrue(NativeFloats.host(), "ND4J's CPU backend keeps arrays in host memory");
        assertTrue(NativeFloats.isRowMajor(Nd4j.create(DataType.FLOAT, 3, 4)));
    }

    @Test
    void aShapeMismatchIsAnError() {
        INDArray a = Nd4j.rand(DataType.FLOAT, 3, 4);
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.into(a, a, Nd4j.create(DataType.FLOAT, 3, 3), false, false, 1f, 0f));
    }

    /**
     * A rows x columns matrix as one of: a whole row-major array, a column-major one, a block of a bigger array, a
     * transposed view, a strided view.
     */
    private INDArray operand(int rows, int columns) {
        return switch (random.nextInt(5)) {
            case 0 -> Nd4j.rand(DataType.FLOAT, rows, columns).subi(0.5);
            case 1 -> Nd4j.rand(DataType.FLOAT, rows, columns).subi(0.5).dup('f');
            case 2 -> Nd4j.rand(DataType.FLOAT, rows + 5, columns + 3).subi(0.5)
                    .get(NDArrayIndex.interval(2, 2 + rows), NDArrayIndex.interval(1, 1 + columns));
            case 3 -> Nd4j.rand(DataType.FLOAT, columns, rows).subi(0.5).transpose();
            // every other column: neither rows nor columns contiguous, so ND4J's gemm takes it
            default -> Nd4j.rand(DataType.FLOAT, rows, 2 * columns).subi(0.5)
                    .get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2, 2 * columns));
        };
    }

    private static String describe(INDArray x) {
        return x.shapeInfoToString().replace('\n', ' ');
    }
}
