package org.recsys4j.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Initializers;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.Activation;
import org.recsys4j.spec.CrossLayerSpec;
import org.recsys4j.spec.DenseLayerSpec;
import org.recsys4j.spec.HeadLayerSpec;
import org.recsys4j.spec.ModelSpec;
import org.recsys4j.spec.RankingLoss;
import org.recsys4j.spec.RankingTask;
import org.recsys4j.spec.RetrievalTask;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spec.TaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.task.Retrieval;
import org.recsys4j.vocab.StringLookup;

/**
 * A small model of three embedding towers (user, item, and an age bucket read per example), a
 * ranking head over all three, and optionally the Retrieval task over user and item, with batches
 * holding duplicates and sample weights; and the loss and gradients the plain Java references give
 * ({@code Retrieval.loss}, {@link HandAdagrad#gradients}, {@link HandRanking}): the case every
 * trainer's loss and update is checked against.
 */
public record RankingCase(String name, ModelSpec spec, Map<String, StringLookup> vocabularies, Weights initial,
        List<FeatureBatch> batches) {
    public static final String LABEL = "label";

    /** The variants every trainer is checked on. */
    public static List<RankingCase> all(long seed) {
        DenseLayerSpec out = new DenseLayerSpec(1, Activation.LINEAR);
        List<RankingCase> cases = new ArrayList<>();
        cases.add(of("multitask, low-rank cross", seed, List.of(CrossLayerSpec.lowRank(3),
                new DenseLayerSpec(5, Activation.RELU), out), RankingLoss.MEAN_SQUARED_ERROR, 1.0, 0.5));
        cases.add(of("ranking only, full cross", seed, List.of(CrossLayerSpec.full(),
                new DenseLayerSpec(6, Activation.RELU), new DenseLayerSpec(4, Activation.RELU), out),
                RankingLoss.MEAN_SQUARED_ERROR, 2.0, -1));
        cases.add(of("binary cross-entropy, dense", seed, List.of(new DenseLayerSpec(6, Activation.TANH), out),
                RankingLoss.BINARY_CROSSENTROPY, 1.0, -1));
        cases.add(of("multitask, ranking weight 0", seed, List.of(new DenseLayerSpec(4, Activation.RELU), out),
                RankingLoss.MEAN_SQUARED_ERROR, 0.0, 1.0));
        return cases;
    }

    /** @param retrievalWeight negative for no Retrieval task */
    public static RankingCase of(String name, long seed, List<HeadLayerSpec> head, RankingLoss loss,
            double rankingWeight, double retrievalWeight) {
        StringLookup users = vocabulary(7, "u");
        StringLookup items = vocabulary(9, "i");
        StringLookup ages = vocabulary(3, "a");
        List<TaskSpec> tasks = new ArrayList<>();
        tasks.add(new RankingTask("rating", List.of("user", "item", "age"), head, loss, LABEL, rankingWeight));
        if (retrievalWeight >= 0) {
            tasks.add(new RetrievalTask("retrieval", "user", "item", RetrievalTaskSpec.defaults(), retrievalWeight));
        }
        ModelSpec spec = new ModelSpec(List.of(TowerSpec.embedding("user", "user_id", users.size(), 3),
                TowerSpec.embedding("item", "item", items.size(), 3),
                TowerSpec.embedding("age", "age", ages.size(), 2)), tasks);
        Random random = new Random(seed);
        List<FeatureBatch> batches = new ArrayList<>();
        for (int b = 0; b < 2; b++) {
            int n = 8;
            int[] u = random.ints(n, 0, 5).toArray();
            int[] it = random.ints(n, 0, 6).toArray();
            int[] age = random.ints(n, 0, ages.size()).toArray();
            float[] labels = new float[n];
            float[] weights = new float[n];
            for (int i = 0; i < n; i++) {
                labels[i] = loss == RankingLoss.BINARY_CROSSENTROPY ? random.nextInt(2) : 1 + random.nextInt(5);
                weights[i] = 0.5f + random.nextFloat();
            }
            batches.add(new FeatureBatch(org.recsys4j.model.Features.categorical(Map.of("user_id", u, "item", it,
                    "age", age)).withValues(LABEL, labels), weights, n));
        }
        return new RankingCase(name, spec, Map.of("user_id", users, "item", items, "age", ages),
                Initializers.initialWeights(spec, seed), batches);
    }

    private static StringLookup vocabulary(int n, String prefix) {
        return StringLookup.of(IntStream.range(1, n).mapToObj(i -> prefix + i).toList());
    }

    /** The reference loss and the gradient of every weight (dense, by name) at {@code w}. */
    public HandRanking.Result reference(Weights w, FeatureBatch batch) {
        RankingTask rating = spec.rankingTasks().get(0);
        int n = batch.size();
        List<Embeddings> parts = new ArrayList<>();
        for (String tower : rating.inputs()) {
            TowerSpec t = spec.tower(tower);
            parts.add(Embeddings.gather(w.get(t.embeddingName()).data(), t.embeddingDim(), batch.feature(t.feature())));
        }
        float[] x = org.recsys4j.model.RankingHead.concat(parts);
        double[] input = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            input[i] = x[i];
        }
        int width = spec.inputDim(rating);
        HandRanking.Result head = HandRanking.lossAndGradients(rating, w, input, n, width,
                batch.features().values(LABEL), batch.sampleWeights());
        Map<String, double[]> grads = new LinkedHashMap<>();
        for (String name : w.names()) {
            grads.put(name, new double[w.get(name).data().length]);
        }
        double loss = rating.weight() * head.loss();
        head.gradients().forEach((name, g) -> {
            if (!name.equals("input")) {
                scaleInto(grads.get(name), g, rating.weight());
            }
        });
        // the input's gradient back onto each tower's table rows
        double[] gInput = head.gradients().get("input");
        int offset = 0;
        for (String tower : rating.inputs()) {
            TowerSpec t = spec.tower(tower);
            int d = t.embeddingDim();
            int[] rows = batch.feature(t.feature());
            double[] table = grads.get(t.embeddingName());
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < d; k++) {
                    table[rows[i] * d + k] += rating.weight() * gInput[i * width + offset + k];
                }
            }
            offset += d;
        }
        RetrievalTask r = spec.retrievalTask();
        if (r != null) {
            TowerSpec q = spec.tower(r.queryTower());
            TowerSpec c = spec.tower(r.candidateTower());
            int[] u = batch.feature(q.feature());
            int[] it = batch.feature(c.feature());
            loss += r.weight() * new Retrieval(r.options(), List.of()).loss(
                    Embeddings.gather(w.get(q.embeddingName()).data(), q.embeddingDim(), u),
                    Embeddings.gather(w.get(c.embeddingName()).data(), c.embeddingDim(), it), batch.sampleWeights());
            double[][] g = HandAdagrad.gradients(w.get(q.embeddingName()), w.get(c.embeddingName()), u, it,
                    batch.sampleWeights(), r.options().temperature());
            scaleInto(grads.get(q.embeddingName()), g[0], r.weight());
            scaleInto(grads.get(c.embeddingName()), g[1], r.weight());
        }
        return new HandRanking.Result(loss, grads);
    }

    /**
     * Checks {@code backend}'s trainer against the references: the test step's loss and head outputs
     * at the initial weights, then two training steps (one per batch) against {@link HandOptimizer}
     * applied to the reference gradients.
     */
    public void check(org.recsys4j.spi.Backend backend, org.recsys4j.spec.Optimizer optimizer,
            org.recsys4j.spi.BackendOptions options) {
        String what = name + ", " + optimizer + ", " + options.values();
        try (org.recsys4j.spi.Trainer trainer = backend.trainer(spec, vocabularies, initial, optimizer, options)) {
            FeatureBatch first = batches.get(0);
            HandRanking.Result expected = reference(initial, first);
            org.recsys4j.spi.StepResult test = trainer.testStep(first);
            org.junit.jupiter.api.Assertions.assertEquals(expected.loss(), test.loss(),
                    1e-5 * Math.max(1, Math.abs(expected.loss())), what + ": loss");
            RankingTask rating = spec.rankingTasks().get(0);
            List<Embeddings> parts = new ArrayList<>();
            for (String tower : rating.inputs()) {
                TowerSpec t = spec.tower(tower);
                parts.add(Embeddings.gather(initial.get(t.embeddingName()).data(), t.embeddingDim(),
                        first.feature(t.feature())));
            }
            float[] outputs = new org.recsys4j.model.RankingHead(rating, spec.inputDim(rating), initial)
                    .forward(org.recsys4j.model.RankingHead.concat(parts), first.size());
            org.junit.jupiter.api.Assertions.assertArrayEquals(outputs, test.rankingOutputs().get("rating"), 1e-5f,
                    what + ": head outputs");
            HandOptimizer hand = new HandOptimizer(optimizer);
            Weights w = initial;
            for (FeatureBatch b : batches) {
                org.recsys4j.spi.StepResult step = trainer.trainStep(b);
                HandRanking.Result r = reference(w, b);
                double tolerance = 1e-5 * Math.max(1, Math.abs(r.loss()));
                org.junit.jupiter.api.Assertions.assertEquals(r.loss(), step.loss(), tolerance,
                        what + ": the train step reports the loss before its update");
                w = hand.step(w, r.gradients());
            }
            Weights after = trainer.weights();
            org.junit.jupiter.api.Assertions.assertEquals(w.names(), after.names(), what);
            for (String weight : w.names()) {
                float[] e = w.get(weight).data();
                float[] a = after.get(weight).data();
                for (int i = 0; i < e.length; i++) {
                    org.junit.jupiter.api.Assertions.assertEquals(e[i], a[i], 2e-5,
                            what + ": " + weight + "[" + i + "]");
                }
            }
        }
    }

    private static void scaleInto(double[] to, double[] from, double scale) {
        for (int i = 0; i < to.length; i++) {
            to[i] += scale * from[i];
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
