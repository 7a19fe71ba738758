package org.recsys4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.recsys4j.spec.Activation;
import org.recsys4j.spec.CrossLayerSpec;
import org.recsys4j.spec.DenseLayerSpec;
import org.recsys4j.spec.HeadLayerSpec;
import org.recsys4j.spec.RankingLoss;
import org.recsys4j.spec.RankingTask;
import org.recsys4j.task.Ranking;
import org.recsys4j.testing.HandRanking;

class RankingHeadTest {
    private static final DenseLayerSpec OUT = new DenseLayerSpec(1, Activation.LINEAR);

    @Test
    void aCrossLayerThenADenseOneByHand() {
        // x = [1, 2]; p = x W + b with W = [[1, 0], [1, 1]], b = [0.5, -1]: p = [3.5, 1];
        // cross: x0 * p + x = [1 * 3.5 + 1, 2 * 1 + 2] = [4.5, 4]; dense(1): 4.5 * 2 + 4 * -1 + 0.25 = 5.25
        RankingTask task = new RankingTask("rating", List.of("a"), List.of(CrossLayerSpec.full(), OUT),
                RankingLoss.MEAN_SQUARED_ERROR, "y", 1);
        Map<String, FloatTensor> w = new LinkedHashMap<>();
        w.put("rating/cross_0/kernel", new FloatTensor(new int[] {2, 2}, new float[] {1, 0, 1, 1}));
        w.put("rating/cross_0/bias", new FloatTensor(new int[] {2}, new float[] {0.5f, -1}));
        w.put("rating/dense_1/kernel", new FloatTensor(new int[] {2, 1}, new float[] {2, -1}));
        w.put("rating/dense_1/bias", new FloatTensor(new int[] {1}, new float[] {0.25f}));
        RankingHead head = new RankingHead(task, 2, new Weights(w));
        assertArrayEquals(new float[] {5.25f}, head.forward(new float[] {1, 2}, 1));
        // a low-rank kernel U V = [[1], [1]] [[1, 1]] = [[1, 1], [1, 1]]: p = [3 + 0.5, 3 - 1]
        RankingTask low = new RankingTask("rating", List.of("a"), List.of(CrossLayerSpec.lowRank(1), OUT),
                RankingLoss.MEAN_SQUARED_ERROR, "y", 1);
        w.remove("rating/cross_0/kernel");
        w.put("rating/cross_0/kernel_u", new FloatTensor(new int[] {2, 1}, new float[] {1, 1}));
        w.put("rating/cross_0/kernel_v", new FloatTensor(new int[] {1, 2}, new float[] {1, 1}));
        // y = [1 * 3.5 + 1, 2 * 2 + 2] = [4.5, 6]: 9 - 6 + 0.25
        assertArrayEquals(new float[] {3.25f}, new RankingHead(low, 2, new Weights(w)).forward(new float[] {1, 2}, 1));
    }

    @Test
    void concatPutsTowersSideBySide() {
        Embeddings a = new Embeddings(new float[] {1, 2, 3, 4}, 2, 2);
        Embeddings b = new Embeddings(new float[] {5, 6}, 2, 1);
        assertArrayEquals(new float[] {1, 2, 5, 3, 4, 6}, RankingHead.concat(List.of(a, b)));
    }

    @Test
    void handGradientsMatchFiniteDifferencesFullCross() {
        check(List.of(CrossLayerSpec.full(), new DenseLayerSpec(5, Activation.RELU), OUT),
                RankingLoss.MEAN_SQUARED_ERROR);
    }

    @Test
    void handGradientsMatchFiniteDifferencesLowRankCross() {
        check(List.of(CrossLayerSpec.lowRank(2), CrossLayerSpec.full(), new DenseLayerSpec(4, Activation.TANH), OUT),
                RankingLoss.MEAN_SQUARED_ERROR);
    }

    @Test
    void handGradientsMatchFiniteDifferencesBinaryCrossEntropy() {
        check(List.of(new DenseLayerSpec(6, Activation.RELU), new DenseLayerSpec(3, Activation.SIGMOID), OUT),
                RankingLoss.BINARY_CROSSENTROPY);
    }

    /** The hand-written backward pass against central differences of the Java head and loss, in double. */
    private static void check(List<HeadLayerSpec> layers, RankingLoss loss) {
        int n = 5;
        int d = 6;
        RankingTask task = new RankingTask("head", List.of("t"), layers, loss, "y", 1);
        Random random = new Random(7);
        Map<String, FloatTensor> w = new LinkedHashMap<>();
        task.weightShapes(d).forEach((name, shape) -> {
            FloatTensor t = FloatTensor.zeros(shape);
            for (int i = 0; i < t.data().length; i++) {
                t.data()[i] = (float) (random.nextGaussian() * 0.5);
            }
            w.put(name, t);
        });
        float[] x = new float[n * d];
        float[] labels = new float[n];
        float[] sampleWeights = new float[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            labels[i] = loss == RankingLoss.BINARY_CROSSENTROPY ? random.nextInt(2) : 1 + random.nextInt(5);
            sampleWeights[i] = 0.5f + random.nextFloat();
        }
        Weights weights = new Weights(w);
        double[] input = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            input[i] = x[i];
        }
        HandRanking.Result hand = HandRanking.lossAndGradients(task, weights, input, n, d, labels, sampleWeights);
        Ranking ranking = new Ranking(loss, List.of());
        assertEquals(ranking.loss(new RankingHead(task, d, weights).forward(x, n), labels, sampleWeights), hand.loss(),
                1e-5);
        double h = 1e-2;
        for (var e : hand.gradients().entrySet()) {
            float[] values = e.getKey().equals("input") ? x : weights.get(e.getKey()).data();
            for (int i = 0; i < values.length; i++) {
                float saved = values[i];
                values[i] = saved + (float) h;
                double up = ranking.loss(new RankingHead(task, d, weights).forward(x, n), labels, sampleWeights);
                values[i] = saved - (float) h;
                double down = ranking.loss(new RankingHead(task, d, weights).forward(x, n), labels, sampleWeights);
                values[i] = saved;
                double numeric = (up - down) / (2 * h);
                assertEquals(numeric, e.getValue()[i], 2e-3 * Math.max(1, Math.abs(numeric)),
                        e.getKey() + "[" + i + "]");
            }
        }
    }
}
