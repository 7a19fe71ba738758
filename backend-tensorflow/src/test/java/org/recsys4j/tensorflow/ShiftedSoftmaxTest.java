package org.recsys4j.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.recsys4j.model.FloatTensor;
import org.recsys4j.model.Initializers;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.spi.StepResult;
import org.recsys4j.vocab.StringLookup;
import org.junit.jupiter.api.Test;

/**
 * The collapsed softmax from shifted logits trains as TensorFlow's softmax kernel does: within
 * float rounding where its exps are exact, and bit for bit where they underflow, because such a
 * step changes nothing and is run again by the kernel.
 */
class ShiftedSoftmaxTest {
    private static final int USERS = 40;
    private static final int ITEMS = 60;
    private static final int DIM = 4;

    @Test
    void exactStepsTrainAsTheSoftmaxKernelWithinRounding() {
        float[][] kernel = train(1f, 1.0, false);
        float[][] shifted = train(1f, 1.0, true);
        for (int t = 0; t < 2; t++) {
            for (int i = 0; i < kernel[t].length; i++) {
                assertEquals(kernel[t][i], shifted[t][i], 1e-5, "table " + t + " at " + i);
            }
        }
        assertEquals(0f, shifted[2][0], "no step ran again");
    }

    /** Scores of thousands at temperature 0.05: far below their bound, every step is run again. */
    @Test
    void underflowingStepsAreRunAgainByTheKernelAndChangeNothingThemselves() {
        float[][] kernel = train(100f, 0.05, false);
        float[][] shifted = train(100f, 0.05, true);
        assertArrayEquals(kernel[0], shifted[0], "query table, bit for bit");
        assertArrayEquals(kernel[1], shifted[1], "candidate table, bit for bit");
        assertArrayEquals(kernel[3], shifted[3], "the reported losses");
        assertEquals(6f, shifted[2][0], "every step ran again");
        for (float loss : shifted[3]) {
            assertTrue(Float.isFinite(loss), "a finite loss, got " + loss);
        }
    }

    /** The two tables after 6 steps, the steps run again, and each step's loss. */
    private static float[][] train(float scale, double temperature, boolean shiftedSoftmax) {
        StringLookup users = StringLookup.of(IntStream.range(0, USERS).mapToObj(i -> "u" + i).toList());
        StringLookup items = StringLookup.of(IntStream.range(0, ITEMS).mapToObj(i -> "i" + i).toList());
        RetrievalSpec spec = new RetrievalSpec(TowerSpec.embedding("query", "user_id", users.size(), DIM),
                TowerSpec.embedding("candidate", "item", items.size(), DIM), new RetrievalTaskSpec(temperature));
        Map<String, FloatTensor> scaled = new LinkedHashMap<>();
        Initializers.initialWeights(spec, 5).asMap().forEach((name, t) -> {
            float[] v = t.data().clone();
            for (int i = 0; i < v.length; i++) {
                v[i] *= scale;
            }
            scaled.put(name, new FloatTensor(t.shape(), v));
        });
        Random random = new Random(3);
        float[] losses = new float[6];
        try (TfTrainer t = (TfTrainer) new TensorFlowBackend().trainer(spec, Map.of("user_id", users, "item", items),
                new Weights(scaled), new Adagrad(0.1),
                new BackendOptions(Map.of("shifted_softmax", String.valueOf(shiftedSoftmax))))) {
            for (int step = 0; step < losses.length; step++) {
                int[] u = random.ints(300, 0, users.size()).toArray();
                int[] it = random.ints(300, 0, items.size()).toArray();
                StepResult r = t.trainStep(new FeatureBatch(Map.of("user_id", u, "item", it), null, u.length));
                losses[step] = (float) r.loss();
            }
            Weights w = t.weights();
            return new float[][] {w.get("query/embedding").data(), w.get("candidate/embedding").data(),
                {t.inexactSteps()}, losses};
        }
    }
}
