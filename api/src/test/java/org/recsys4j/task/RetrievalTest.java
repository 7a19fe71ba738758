package org.recsys4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.recsys4j.model.Embeddings;
import org.recsys4j.spec.RetrievalTaskSpec;

class RetrievalTest {
    private static final Embeddings IDENTITY = new Embeddings(new float[] {1, 0, 0, 1}, 2, 2);

    @Test
    void summedSoftmaxCrossEntropyOverTheBatch() {
        // logits [[1,0],[0,1]]: each row's loss is log(e + 1) - 1
        double expected = 2 * (Math.log(Math.E + 1) - 1);
        assertEquals(expected, new Retrieval().loss(IDENTITY, IDENTITY, null), 1e-12);
    }

    @Test
    void hand_computedThreeByThree() {
        Embeddings q = new Embeddings(new float[] {1, 2, 0, 1, -1, 0}, 3, 2);
        Embeddings c = new Embeddings(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
        // logits: row0 [1,2,3], row1 [0,1,1], row2 [-1,0,-1]; labels on the diagonal
        double row0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 1;
        double row1 = Math.log(1 + Math.E + Math.E) - 1;
        double row2 = Math.log(Math.exp(-1) + 1 + Math.exp(-1)) - (-1);
        assertEquals(row0 + row1 + row2, new Retrieval().loss(q, c, null), 1e-9);
        float[] w = {2, 0, 0.5f};
        assertEquals(2 * row0 + 0.5 * row2, new Retrieval().loss(q, c, w), 1e-9);
    }

    @Test
    void temperatureDividesTheLogits() {
        Retrieval t = new Retrieval(new RetrievalTaskSpec(0.5), List.of());
        // logits become [[2,0],[0,2]]
        assertEquals(2 * (Math.log(Math.exp(2) + 1) - 2), t.loss(IDENTITY, IDENTITY, null), 1e-12);
    }

    @Test
    void logQCorrectionLowersEachColumnByTheLogOfItsSamplingProbability() {
        // logits [[1,0],[0,1]] minus log p = (log 0.5, log 0.25), column by column, diagonal included
        double a = 1 - Math.log(0.5);
        double b = -Math.log(0.25);
        double c = -Math.log(0.5);
        double d = 1 - Math.log(0.25);
        double expected = (Math.log(Math.exp(a) + Math.exp(b)) - a) + (Math.log(Math.exp(c) + Math.exp(d)) - d);
        assertEquals(expected, new Retrieval().loss(IDENTITY, IDENTITY, null, new float[] {0.5f, 0.25f}), 1e-7);
    }

    @Test
    void mismatchedBatchesAreRejected() {
        Embeddings three = new Embeddings(new float[6], 3, 2);
        assertThrows(IllegalArgumentException.class, () -> new Retrieval().loss(IDENTITY, three, null));
    }
}
