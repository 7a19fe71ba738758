package org.recsys4j.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.FloatTensor;
import org.recsys4j.model.Initializers;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.Activation;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.Backends;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.spi.Inference;
import org.recsys4j.spi.StepResult;
import org.recsys4j.spi.Trainer;
import org.recsys4j.task.Retrieval;
import org.recsys4j.testing.HandAdagrad;
import org.recsys4j.testing.LogQCase;
import org.recsys4j.vocab.StringLookup;

class TfTrainerTest {
    private static final Backend TF = Backends.get("tensorflow");

    private static StringLookup vocab(int n, String prefix) {
        return StringLookup.of(java.util.stream.IntStream.range(0, n).mapToObj(i -> prefix + i).toList());
    }

    private static FeatureBatch batch(int[] users, int[] items, float[] weights) {
        return new FeatureBatch(Map.of("user_id", users, "item", items), weights, users.length);
    }

    @Test
    void oneStepMatchesTheLossGradientAndKerasAdagradByHand() {
        StringLookup users = vocab(4, "u");
        StringLookup items = vocab(5, "i");
        RetrievalSpec spec = new RetrievalSpec(TowerSpec.embedding("query", "user_id", users.size(), 3),
                TowerSpec.embedding("candidate", "item", items.size(), 3), new RetrievalTaskSpec(0.5));
        Weights initial = Initializers.initialWeights(spec, 3);
        // duplicates in both columns, and an OOV row
        int[] u = {1, 2, 1, 4, 0};
        int[] it = {3, 3, 1, 2, 5};
        float[] w = {1, 0.5f, 2, 1, 1};
        Adagrad adagrad = new Adagrad(0.1);
        // collapsed, plain, and collapsed with the shape padding used under XLA
        for (Map<String, String> options : List.of(Map.of("collapse", "true"), Map.of("collapse", "false"),
                Map.of("xla", "true"))) {
            try (Trainer trainer = TF.trainer(spec, Map.of("user_id", users, "item", items), initial, adagrad,
                    new BackendOptions(options))) {
                FeatureBatch b = batch(u, it, w);
                double expectedLoss = new Retrieval(new RetrievalTaskSpec(0.5), List.of())
                        .loss(gather(initial.get("query/embedding"), u),
                        gather(initial.get("candidate/embedding"), it), w);
                StepResult test = trainer.testStep(b);
                assertEquals(expectedLoss, test.loss(), 1e-5 * Math.abs(expectedLoss));
                StepResult train = trainer.trainStep(b);
                assertEquals(test.loss(), train.loss(), 1e-6, "the train step reports the loss before its update");

                Weights after = trainer.weights();
                Weights expected = HandAdagrad.step(initial, u, it, w, 0.5, adagrad);
                for (String name : List.of("query/embedding", "candidate/embedding")) {
                    float[] a = after.get(name).data();
                    float[] e = expected.get(name).data();
                    for (int i = 0; i < a.length; i++) {
                        assertEquals(e[i], a[i], 1e-6, name + "[" + i + "] " + options);
                    }
                }
                // row 3 of the user table was not in the batch: untouched
                assertEquals(initial.get("query/embedding").data()[9], after.get("query/embedding").data()[9]);
            }
        }
    }

    private static Embeddings gather(FloatTensor table, int[] rows) {
        int d = table.dim(1);
        float[] out = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(table.data(), rows[i] * d, out, i * d, d);
        }
        return new Embeddings(out, rows.length, d);
    }

    @Test
    void lossMatchesTheJavaReferenceOnARandomBatchWithDenseLayers() {
        StringLookup users = vocab(50, "u");
        StringLookup items = vocab(80, "i");
        RetrievalSpec spec = new RetrievalSpec(
                TowerSpec.embedding("query", "user_id", users.size(), 16).withDense(8, Activation.RELU),
                TowerSpec.embedding("candidate", "item", items.size(), 8), RetrievalTaskSpec.defaults());
        Weights initial = Initializers.initialWeights(spec, 9);
        Random random = new Random(5);
        int n = 64;
        int[] u = random.ints(n, 0, users.size()).toArray();
        int[] it = random.ints(n, 0, items.size()).toArray();
        ModelBundle bundle = new ModelBundle(spec, Map.of("user_id", users, "item", items), initial, null, null);
        try (Trainer trainer = TF
                .trainer(spec, bundle.vocabularies(), initial, new Adagrad(0.1), BackendOptions.none())) {
            Embeddings q = bundle.javaQueryTower().embedIndices(u);
            Embeddings c = bundle.javaCandidateTower().embedIndices(it);
            assertTrue(trainer.queryTower().embedIndices(u).maxAbsDifference(q) < 1e-5);
            double expected = new Retrieval().loss(q, c, null);
            assertEquals(expected, trainer.testStep(batch(u, it, null)).loss(), 1e-5 * expected);
            double before = expected;
            for (int i = 0; i < 20; i++) {
                trainer.trainStep(batch(u, it, null));
            }
            assertTrue(trainer.testStep(batch(u, it, null)).loss() < before, "training lowers the loss");
        }
    }

    @Test
    void logQCorrectionMatchesTheReferenceLossOnBothPaths() {
        LogQCase c = LogQCase.random(12);
        for (Map<String, String> options : List.of(Map.of("collapse", "true"), Map.of("collapse", "false"),
                Map.of("xla", "true"))) {
            try (Trainer t = TF.trainer(c.bundle().spec(), c.bundle().vocabularies(), c.bundle().weights(),
                    new Adagrad(0.1), new BackendOptions(options))) {
                assertEquals(c.referenceLoss(), t.testStep(c.batch()).loss(), 1e-4 * Math.abs(c.referenceLoss()),
                        options.toString());
            }
        }
    }

    /** Every Retrieval option, alone and combined, against TFRS's formula, on each path. */
    @Test
    void everyRetrievalOptionMatchesTheReferenceOnEveryPath() {
        for (org.recsys4j.testing.OptionsCase c : org.recsys4j.testing.OptionsCase.all(21)) {
            for (Map<String, String> options : List.of(Map.of("collapse", "true"), Map.of("collapse", "false"),
                    Map.of("xla", "true"))) {
                // a small step, so that a lower loss after it is a property of the gradient, not luck
                try (Trainer t = TF.trainer(c.bundle().spec(), c.bundle().vocabularies(), c.bundle().weights(),
                        new Adagrad(0.01), new BackendOptions(options))) {
                    StepResult r = t.testStep(c.batch());
                    String what = c + " " + options;
                    assertEquals(c.referenceLoss(), r.loss(), 2e-5 * Math.abs(c.referenceLoss()), what);
                    assertEquals(c.referenceRegularization(), r.regularizationLoss(),
                            1e-5 * Math.abs(c.referenceRegularization()) + 1e-9, what);
                    StepResult train = t.trainStep(c.batch());
                    assertEquals(r.loss(), train.loss(), 1e-6 * Math.abs(r.loss()), what);
                    assertTrue(t.testStep(c.batch()).totalLoss() < r.totalLoss(), "a step lowers the loss: " + what);
                }
            }
        }
    }

    /** Towers with context and derived features: the Java reference's loss and embeddings on every path. */
    @Test
    void featuresBesidesTheIdMatchTheJavaReference() {
        var c = org.recsys4j.testing.FeatureCase.random(4, new RetrievalTaskSpec(0.8, 0.01).withL2PerTable(0.001));
        for (Map<String, String> options : List.of(Map.of("collapse", "true"), Map.of("collapse", "false"),
                Map.of("xla", "true"))) {
            try (Trainer t = TF.trainer(c.bundle().spec(), c.bundle().vocabularies(), c.bundle().weights(),
                    new Adagrad(0.05), new BackendOptions(options))) {
                assertTrue(t.queryTower().embedIndices(c.users(), c.context())
                        .maxAbsDifference(c.bundle().javaQueryTower().embedIndices(c.users(), c.context())) < 1e-5);
                StepResult r = t.testStep(c.batch());
                assertEquals(c.referenceLoss(), r.loss(), 1e-5 * Math.abs(c.referenceLoss()), options.toString());
                for (int i = 0; i < 5; i++) {
                    t.trainStep(c.batch());
                }
                assertTrue(t.testStep(c.batch()).totalLoss() < r.totalLoss(), "training lowers the loss " + options);
                // the trained weights, through the Java reference, give what the trainer's towers give
                ModelBundle trained = new ModelBundle(c.bundle().spec(), c.bundle().vocabularies(), t.weights(),
                        null, null);
                assertTrue(t.queryTower().embedIndices(c.users(), c.context())
                        .maxAbsDifference(trained.javaQueryTower().embedIndices(c.users(), c.context())) < 1e-5);
                int[] items = c.batch().feature("item");
                assertTrue(t.candidateTower().embedIndices(items)
                        .maxAbsDifference(trained.javaCandidateTower().embedIndices(items)) < 1e-5);
            }
        }
    }

    @Test
    void inferenceGivesTheJavaTowersEmbeddings() {
        StringLookup users = vocab(30, "u");
        StringLookup items = vocab(40, "i");
        RetrievalSpec spec = new RetrievalSpec(
                TowerSpec.embedding("query", "user_id", users.size(), 12).withDense(10, Activation.TANH)
                        .withDense(6, Activation.LINEAR),
                TowerSpec.embedding("candidate", "item", items.size(), 8).withDense(6, Activation.SIGMOID),
                RetrievalTaskSpec.defaults());
        ModelBundle bundle = new ModelBundle(spec, Map.of("user_id", users, "item", items),
                Initializers.initialWeights(spec, 1), null, null);
        try (Inference inference = TF.inference(bundle, BackendOptions.none())) {
            String[] ids = {"u0", "u29", "nobody"};
            assertTrue(inference.queryTower().embed(ids).maxAbsDifference(bundle.javaQueryTower().embed(ids)) < 1e-5);
            String[] titles = {"i3", "i39", "?"};
            assertTrue(inference.candidateTower().embed(titles)
                    .maxAbsDifference(bundle.javaCandidateTower().embed(titles)) < 1e-5);
        }
    }
}
