package org.recsys4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.recsys4j.metrics.BinaryAccuracy;
import org.recsys4j.metrics.RootMeanSquaredError;
import org.recsys4j.spec.RankingLoss;

class RankingTest {
    @Test
    void meanSquaredErrorIsTheWeightedMeanOverTheBatch() {
        Ranking task = new Ranking(RankingLoss.MEAN_SQUARED_ERROR, List.of());
        // errors 1, -2, 0.5 with weights 1, 2, 0: (1 + 2 * 4 + 0) / 3, Keras's SUM_OVER_BATCH_SIZE
        assertEquals(3.0, task.loss(new float[] {4, 1, 3.5f}, new float[] {3, 3, 3}, new float[] {1, 2, 0}), 1e-12);
        assertEquals((1 + 4 + 0.25) / 3, task.loss(new float[] {4, 1, 3.5f}, new float[] {3, 3, 3}, null), 1e-7);
    }

    @Test
    void binaryCrossEntropyFromLogitsIsStableForLargeLogits() {
        Ranking task = new Ranking(RankingLoss.BINARY_CROSSENTROPY, List.of());
        // z = 0: log 2 whatever the label
        assertEquals(Math.log(2), task.loss(new float[] {0}, new float[] {1}, null), 1e-12);
        // -log sigmoid(2) for label 1, -log(1 - sigmoid(-1)) for label 0, averaged
        double expected = (Math.log1p(Math.exp(-2)) + Math.log1p(Math.exp(-1))) / 2;
        assertEquals(expected, task.loss(new float[] {2, -1}, new float[] {1, 0}, null), 1e-7);
        // a logit of 1000 on the wrong side costs 1000, not infinity
        assertEquals(1000, task.loss(new float[] {1000}, new float[] {0}, null), 1e-9);
        assertEquals(0.5f, task.predictions(new float[] {0})[0]);
    }

    @Test
    void rootMeanSquaredErrorAccumulatesOverBatches() {
        RootMeanSquaredError rmse = new RootMeanSquaredError();
        Ranking task = new Ranking(RankingLoss.MEAN_SQUARED_ERROR, List.of(rmse));
        task.updateMetrics(new float[] {1, 2}, new float[] {2, 2}, null);
        task.updateMetrics(new float[] {5}, new float[] {3}, new float[] {2});
        // (1 + 0 + 2 * 4) / (1 + 1 + 2)
        assertEquals(Math.sqrt(9.0 / 4), task.metricResults().get("root_mean_squared_error"), 1e-12);
        task.resetMetrics();
        assertEquals(0.0, task.metricResults().get("root_mean_squared_error"));
        assertEquals(0.0, new RootMeanSquaredError("RMSE").result().get("RMSE"));
    }

    @Test
    void binaryAccuracyThresholdsTheSigmoid() {
        Ranking task = new Ranking(RankingLoss.BINARY_CROSSENTROPY, List.of(new BinaryAccuracy()));
        task.updateMetrics(new float[] {3, -3, 0.1f, -0.1f}, new float[] {1, 0, 0, 0}, null);
        assertEquals(0.75, task.metricResults().get("binary_accuracy"), 1e-12);
    }

    @Test
    void mismatchedLengthsAreRefused() {
        Ranking task = new Ranking(RankingLoss.MEAN_SQUARED_ERROR, List.of());
        assertThrows(IllegalArgumentException.class, () -> task.loss(new float[2], new float[3], null));
    }
}
