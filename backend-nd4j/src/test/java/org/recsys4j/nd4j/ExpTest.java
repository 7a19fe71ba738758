package org.recsys4j.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

class ExpTest {
    @Test
    void theBuildRunsTheVectorisedExp() {
        assertTrue(Exp.VECTORIZED, "the tests run with --add-modules jdk.incubator.vector (see the root pom)");
    }

    /** Split over threads and in one piece, with a tail shorter than a vector, as ND4J's exp within float rounding. */
    @Test
    void agreesWithNd4jsExp() {
        for (int[] shape : new int[][] {{3, 7}, {1100, 1037}}) {
            INDArray s = Nd4j.rand(DataType.FLOAT, shape[0], shape[1]).subi(0.5).muli(60);
            INDArray expected = Transforms.exp(s, true);
            INDArray actual = Exp.inPlace(s.dup('c'));
            float[] a = actual.data().asFloat();
            float[] e = expected.data().asFloat();
            for (int i = 0; i < a.length; i++) {
                assertEquals(e[i], a[i], 4e-7f * e[i], "element " + i);
            }
        }
    }

    /**
     * The same bits on every call however far the JIT has got (the calls start interpreted, in a
     * fresh JVM, and end compiled by C2), and every lane, the tail's too, the scalar form's. The
     * Vector API's own EXP failed the first (SVML's bits compiled, {@code Math.exp}'s before), and
     * two trainings of one seed came out different.
     */
    @Test
    void theSameBitsInterpretedAndCompiledInEveryLane() {
        Random random = new Random(5);
        int n = 16 * 64 + 7;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (random.nextFloat() - 0.5f) * 120;
        }
        float[] special = {0f, -0f, 1f, -1f, 88.7f, 88.8f, -86.97f, -86.99f, -1e30f, 1e30f, Float.NaN,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, 0.34657f, -0.34657f};
        System.arraycopy(special, 0, x, 0, special.length);
        ByteBuffer buffer = ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder());
        int[] first = null;
        for (int call = 0; call < 20_000; call++) {
            for (int i = 0; i < n; i++) {
                buffer.putFloat(i * Float.BYTES, x[i]);
            }
            VectorExp.expInPlace(buffer, 0, n);
            int[] bits = new int[n];
            for (int i = 0; i < n; i++) {
                bits[i] = Float.floatToRawIntBits(buffer.getFloat(i * Float.BYTES));
            }
            if (first == null) {
                first = bits;
                for (int i = 0; i < n; i++) {
                    assertEquals(Float.floatToRawIntBits(VectorExp.exp(x[i])), bits[i], "exp(" + x[i] + ")");
                }
            } else if (!java.util.Arrays.equals(first, bits)) {
                for (int i = 0; i < n; i++) {
                    assertEquals(first[i], bits[i], "exp(" + x[i] + ") at call " + call);
                }
            }
        }
    }

    /** Within Cephes' bound (some 1.2 ulp) of the exact value down to 2^-125; 0 below, infinite above FLT_MAX. */
    @Test
    void closeToTheExactValue() {
        double worst = 0;
        for (float x = -86.98f; x < 88.72f; x += 0.000731f) {
            double exact = Math.exp(x);
            worst = Math.max(worst, Math.abs(VectorExp.exp(x) - exact) / Math.ulp((float) exact));
        }
        assertTrue(worst < 1.25, "worst error " + worst + " ulp");
        assertEquals(0f, VectorExp.exp(-87f));
        assertEquals(0f, VectorExp.exp(-1e30f), "HardNegatives' masked scores");
        assertEquals(0f, VectorExp.exp(Float.NEGATIVE_INFINITY));
        assertEquals((float) Math.exp(88.72283f), VectorExp.exp(88.72283f), 1.25 * Math.ulp(Float.MAX_VALUE),
                "near the greatest float");
        assertEquals(Float.POSITIVE_INFINITY, VectorExp.exp(88.7229f));
        assertEquals(Float.POSITIVE_INFINITY, VectorExp.exp(1e30f));
        assertEquals(1f, VectorExp.exp(0f));
        assertTrue(Float.isNaN(VectorExp.exp(Float.NaN)));
    }

    /** A block of rows (the softmax's workers' case) changes in place, and nothing outside it does. */
    @Test
    void aRowBlockChangesAloneInPlace() {
        INDArray s = Nd4j.rand(DataType.FLOAT, 9, 37).subi(0.5).muli(20);
        INDArray before = s.dup('c');
        INDArray view = s.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 5),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        INDArray expected = Transforms.exp(view, true);
        Exp.inPlace(view);
        for (int r = 0; r < 9; r++) {
            for (int j = 0; j < 37; j++) {
                if (r < 2 || r >= 5) {
                    assertEquals(before.getFloat(r, j), s.getFloat(r, j), "row " + r + " column " + j);
                } else {
                    assertEquals(expected.getFloat(r - 2, j), s.getFloat(r, j), 1e-5f * expected.getFloat(r - 2, j));
                }
            }
        }
    }

    /** A column block is not contiguous: ND4J's exp takes it. */
    @Test
    void aColumnBlockFallsBackToNd4j() {
        INDArray s = Nd4j.rand(DataType.FLOAT, 8, 8);
        INDArray view = s.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 4));
        INDArray expected = Transforms.exp(view, true);
        assertTrue(Exp.inPlace(view).equalsWithEps(expected, 1e-6));
    }
}
