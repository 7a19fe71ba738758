package org.recsys4j.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.recsys4j.model.Initializers;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.ModelSpec;
import org.recsys4j.spec.RankingTask;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.spi.StepResult;
import org.recsys4j.spi.Trainer;
import org.recsys4j.testing.RankingCases;
import org.recsys4j.vocab.StringLookup;

/**
 * A ranking head built once per chunk of the batch's rows ({@link RowChunks}) trains as the
 * whole-batch head does: the conformance suite's ranking cases (8 examples: cross layers, binary
 * cross-entropy, multitask) against their plain-Java references with the batch in one chunk, in
 * uneven chunks, one example a chunk, and with empty chunks; and the basic ranking model's loss,
 * outputs and weights after a few steps the same, within float rounding, in 1, 2 and 4 chunks.
 */
class RankingChunksTest {
    private static final TensorFlowBackend BACKEND = new TensorFlowBackend();

    @TestFactory
    Stream<DynamicNode> everyRankingCaseMatchesItsReferenceInAnyChunks() {
        return RankingCases.training().stream().map(c -> DynamicContainer.dynamicContainer(c.name(),
                Stream.of(1, 3, 8, 9).map(chunks -> DynamicTest.dynamicTest(chunks + " chunks",
                        () -> c.check(BACKEND, chunks(chunks))))));
    }

    @Test
    void theBasicRankingModelTrainsTheSameInChunks() {
        int users = 50;
        int titles = 80;
        ModelSpec spec = new ModelSpec(List.of(TowerSpec.embedding("user", "user_id", users + 1, 8),
                TowerSpec.embedding("movie", "movie_title", titles + 1, 8)),
                List.of(RankingTask.rating("rating", List.of("user", "movie"), "user_rating", 1.0, 16, 8)));
        Map<String, StringLookup> vocabularies = Map.of(
                "user_id", StringLookup.of(IntStream.rangeClosed(1, users).mapToObj(i -> "u" + i).toList()),
                "movie_title", StringLookup.of(IntStream.rangeClosed(1, titles).mapToObj(i -> "t" + i).toList()));
        SplittableRandom random = new SplittableRandom(5);
        List<FeatureBatch> batches = new ArrayList<>();
        // the last batch is short and odd, as an epoch's last batch is
        for (int n : new int[] {256, 256, 101}) {
            int[] u = random.ints(n, 1, users + 1).toArray();
            int[] t = random.ints(n, 1, titles + 1).toArray();
            float[] ratings = new float[n];
            for (int i = 0; i < n; i++) {
                ratings[i] = 1 + random.nextInt(5);
            }
            batches.add(new FeatureBatch(org.recsys4j.model.Features.categorical(Map.of("user_id", u,
                    "movie_title", t)).withValues("user_rating", ratings), null, n));
        }
        Weights initial = Initializers.initialWeights(spec, 3);
        Trained whole = train(spec, vocabularies, initial, batches, 1);
        for (int chunks : new int[] {2, 4}) {
            Trained split = train(spec, vocabularies, initial, batches, chunks);
            String what = chunks + " chunks";
            assertArrayEquals(whole.losses(), split.losses(), 1e-5, what + ": losses");
            assertArrayEquals(whole.outputs(), split.outputs(), 1e-5f, what + ": outputs of the last step");
            for (String name : whole.weights().names()) {
                assertArrayEquals(whole.weights().get(name).data(), split.weights().get(name).data(), 1e-5f,
                        what + ": " + name);
            }
        }
    }

    /**
     * With no threads set, a model of ranking heads alone on the CPU runs a chunk per core, each op
     * on one intra-op thread (cores / chunks) and an inter-op thread per core; set threads, a
     * Retrieval task or an accelerator keep TensorFlow's pools and (unless set) one chunk.
     */
    @Test
    void aChunkPerCoreEachOnItsOwnThread() {
        int cores = Runtime.getRuntime().availableProcessors();
        SessionConfig auto = new SessionConfig(0, false, null, 0);
        assertEquals(cores, auto.chunks(true));
        assertEquals(1, auto.chunks(false));
        if (cores > 1) {
            assertEquals(1, auto.proto(true).getIntraOpParallelismThreads());
            assertEquals(cores, auto.proto(true).getInterOpParallelismThreads());
        }
        assertEquals(0, auto.proto(false).getIntraOpParallelismThreads());
        assertEquals(0, auto.proto(false).getInterOpParallelismThreads());
        SessionConfig threads = new SessionConfig(3, false, null, 0);
        assertEquals(3, threads.proto(true).getIntraOpParallelismThreads());
        assertEquals(3, threads.proto(true).getInterOpParallelismThreads());
        SessionConfig four = new SessionConfig(0, false, null, 4);
        assertEquals(4, four.chunks(true));
        assertEquals(4, four.chunks(false));
        assertEquals(Math.max(1, cores / 4), four.proto(true).getIntraOpParallelismThreads());
        SessionConfig gpu = new SessionConfig(0, false, new org.recsys4j.spi.TextValues.Device("GPU", 0), 0);
        assertEquals(1, gpu.chunks(true));
        assertEquals(0, gpu.proto(true).getIntraOpParallelismThreads());
        assertEquals(cores, new SessionConfig(0, false, new org.recsys4j.spi.TextValues.Device("CPU", 0), 0)
                .chunks(true));
    }

    private record Trained(double[] losses, float[] outputs, Weights weights) {
    }

    private static Trained train(ModelSpec spec, Map<String, StringLookup> vocabularies, Weights initial,
            List<FeatureBatch> batches, int chunks) {
        try (Trainer trainer = BACKEND.trainer(spec, vocabularies, initial, new Adagrad(0.1), chunks(chunks))) {
            double[] losses = new double[batches.size()];
            StepResult last = null;
            for (int i = 0; i < batches.size(); i++) {
                last = trainer.trainStep(batches.get(i));
                losses[i] = last.loss();
            }
            assertEquals(batches.get(batches.size() - 1).size(), last.rankingOutputs().get("rating").length);
            return new Trained(losses, last.rankingOutputs().get("rating"), trainer.weights());
        }
    }

    private static BackendOptions chunks(int n) {
        return new BackendOptions(Map.of("ranking_chunks", Integer.toString(n)));
    }
}
