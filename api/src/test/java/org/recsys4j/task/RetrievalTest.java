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

    // three examples whose candidates are ids 7, 8, 7; logits [[1,0,1],[0,1,0],[1,1,1]]
    private static final Embeddings Q3 = new Embeddings(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
    private static final Embeddings C3 = new Embeddings(new float[] {1, 0, 0, 1, 1, 0}, 3, 2);
    private static final int[] IDS3 = {7, 8, 7};

    @Test
    void removingAccidentalHitsDropsTheOtherCopiesOfThePositive() {
        double kept = (Math.log(2 * Math.E + 1) - 1) + (Math.log(Math.E + 2) - 1) + (Math.log(3 * Math.E) - 1);
        assertEquals(kept, new Retrieval().loss(Q3, C3, null, null, IDS3), 1e-9);
        // row 0 loses column 2 and row 2 loses column 0 (both id 7); row 1 keeps all
        double removed = (Math.log(Math.E + 1) - 1) + (Math.log(Math.E + 2) - 1) + (Math.log(2 * Math.E) - 1);
        Retrieval task = new Retrieval(RetrievalTaskSpec.defaults().withRemoveAccidentalHits(true), List.of());
        assertEquals(removed, task.loss(Q3, C3, null, null, IDS3), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> task.loss(Q3, C3, null, null));
    }

    @Test
    void hardNegativesKeepThePositiveAndTheHighestOthers() {
        Retrieval one = new Retrieval(RetrievalTaskSpec.defaults().withNumHardNegatives(1), List.of());
        // row 0: positive 1, best other 1; row 1: positive 1, best other 0; row 2: 1 and 1
        double expected = (Math.log(2 * Math.E) - 1) + (Math.log(Math.E + 1) - 1) + (Math.log(2 * Math.E) - 1);
        assertEquals(expected, one.loss(Q3, C3, null, null, null), 1e-9);
        Retrieval many = new Retrieval(RetrievalTaskSpec.defaults().withNumHardNegatives(10), List.of());
        assertEquals(new Retrieval().loss(Q3, C3, null), many.loss(Q3, C3, null, null, null), 1e-12);
    }

    @Test
    void extraCandidatesAreNegativesOfEveryRow() {
        // a fourth column (0, 2): logits 0, 2, 2 for the three rows
        Embeddings c4 = new Embeddings(new float[] {1, 0, 0, 1, 1, 0, 0, 2}, 4, 2);
        double expected = (Math.log(2 * Math.E + 2) - 1) + (Math.log(Math.E + 2 + Math.exp(2)) - 1)
                + (Math.log(3 * Math.E + Math.exp(2)) - 1);
        assertEquals(expected, new Retrieval().loss(Q3, c4, null, null, null), 1e-9);
        // and under the logQ correction with p = 1/2 for the extra: its logit rises by log 2
        float[] p = {1, 1, 1, 0.5f};
        double corrected = (Math.log(2 * Math.E + 1 + 2) - 1) + (Math.log(Math.E + 2 + 2 * Math.exp(2)) - 1)
                + (Math.log(3 * Math.E + 2 * Math.exp(2)) - 1);
        assertEquals(corrected, new Retrieval().loss(Q3, c4, null, p), 1e-6);
    }

    @Test
    void mismatchedBatchesAreRejected() {
        Embeddings one = new Embeddings(new float[2], 1, 2);
        assertThrows(IllegalArgumentException.class, () -> new Retrieval().loss(IDENTITY, one, null));
        Embeddings wide = new Embeddings(new float[6], 2, 3);
        assertThrows(IllegalArgumentException.class, () -> new Retrieval().loss(IDENTITY, wide, null));
    }
}
