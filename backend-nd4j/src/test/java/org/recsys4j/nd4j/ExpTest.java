package org.recsys4j.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
