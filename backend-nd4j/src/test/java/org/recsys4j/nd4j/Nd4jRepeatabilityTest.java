package org.recsys4j.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.recsys4j.model.Initializers;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.spi.Trainer;
import org.recsys4j.vocab.StringLookup;

/**
 * One seed, one machine, one thread count: the same weights to the bit, run after run. Two
 * trainings in one JVM on a generated table big enough that two workers share the softmax's row
 * blocks and Adagrad's rows. What made runs differ before (the Vector API's exp, SVML's bits once
 * compiled and {@code Math.exp}'s before) depended on the JIT, which differs within a JVM as
 * between JVMs; {@link ExpTest} checks exp's bits across the JIT's tiers.
 */
class Nd4jRepeatabilityTest {
    @Test
    void twoTrainingsOfOneSeedEndWithTheSameBits() {
        StringLookup users = StringLookup.of(IntStream.range(0, 3000).mapToObj(i -> "u" + i).toList());
        StringLookup items = StringLookup.of(IntStream.range(0, 4000).mapToObj(i -> "i" + i).toList());
        RetrievalSpec spec = new RetrievalSpec(TowerSpec.embedding("query", "user_id", users.size(), 16),
                TowerSpec.embedding("candidate", "item", items.size(), 16), RetrievalTaskSpec.defaults());
        Weights initial = Initializers.initialWeights(spec, 7);
        Random random = new Random(13);
        List<FeatureBatch> batches = IntStream.range(0, 2).mapToObj(b -> new FeatureBatch(Map.of(
                "user_id", random.ints(4096, 0, users.size()).toArray(),
                "item", random.ints(4096, 0, items.size()).toArray()), null, 4096)).toList();
        int distinctUsers = (int) IntStream.of(batches.get(0).feature("user_id")).distinct().count();
        int distinctItems = (int) IntStream.of(batches.get(0).feature("item")).distinct().count();
        try (Parallel p = new Parallel(2, InBatchSoftmax.SCORES_PER_WORKER)) {
            assertEquals(2, p.workersFor(distinctUsers, distinctItems), "two workers share the softmax");
        }
        assertTrue(distinctUsers > 2 * AdagradState.ROWS_PER_WORKER, "two workers share Adagrad's rows");

        double[] losses = new double[2];
        Weights[] trained = new Weights[2];
        for (int run = 0; run < 2; run++) {
            try (Trainer t = new Nd4jBackend().trainer(spec, Map.of("user_id", users, "item", items), initial,
                    new Adagrad(0.1), new BackendOptions(Map.of("threads", "2")))) {
                for (FeatureBatch b : batches) {
                    losses[run] = t.trainStep(b).loss();
                }
                trained[run] = t.weights();
            }
        }
        assertEquals(Double.doubleToRawLongBits(losses[0]), Double.doubleToRawLongBits(losses[1]),
                "last step's loss: " + losses[0] + " and " + losses[1]);
        for (String name : trained[0].names()) {
            assertArrayEquals(trained[0].get(name).data(), trained[1].get(name).data(), name);
            assertFalse(Arrays.equals(initial.get(name).data(), trained[0].get(name).data()), name + " moved");
        }
    }
}
