package org.recsys4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;
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
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.spi.StepResult;
import org.recsys4j.spi.Trainer;
import org.recsys4j.task.Retrieval;
import org.recsys4j.vocab.StringLookup;

/**
 * The Retrieval task's conformance cases: one Adagrad step against the hand-written gradient,
 * every Retrieval option ({@link OptionsCase}), the logQ correction ({@link LogQCase}), features
 * besides the id ({@link FeatureCase}) and scores past float's exp() range, each against TFRS's
 * formula in plain Java; and the bundles every backend must serve.
 */
public final class RetrievalCases {
    private RetrievalCases() {
    }

    /** Every retrieval training case (gathered with the others by {@link TaskCases}). */
    public static List<TrainingCase> training() {
        List<TrainingCase> out = new ArrayList<>();
        out.add(new Case("retrieval: one step is the hand-written gradient and Keras Adagrad",
                RetrievalCases::oneStep));
        for (OptionsCase c : OptionsCase.all(21)) {
            out.add(new Case("retrieval: options " + c, (b, o) -> options(c, b, o)));
        }
        out.add(new Case("retrieval: logQ correction", RetrievalCases::logQ));
        out.add(new Case("retrieval: context, numeric and derived features", RetrievalCases::features));
        out.add(new Case("retrieval: scores beyond float exp() range", RetrievalCases::largeScores));
        return out;
    }

    /** The retrieval bundles every backend must serve (gathered with the others by {@link TaskCases}). */
    public static List<ServingCase> serving() {
        List<ServingCase> out = new ArrayList<>();
        out.add(RetrievalServingCase.of("retrieval: dense layers, every activation", denseBundle(), 64, 5));
        FeatureCase f = FeatureCase.random(4, new RetrievalTaskSpec(0.8, 0.01));
        out.add(RetrievalServingCase.of("retrieval: context, numeric and derived features", f.bundle(), f.batch()));
        OptionsCase n = OptionsCase.all(21).stream().filter(c -> c.name().equals("normalized+dense+bias+logQ+l2"))
                .findFirst().orElseThrow();
        out.add(RetrievalServingCase.of("retrieval: normalised outputs and a candidate score bias", n.bundle(),
                n.batch()));
        return out;
    }

    /** The trainer of a case, from its bundle's weights. */
    static Trainer trainer(Backend backend, BackendOptions options, ModelBundle bundle, Adagrad optimizer) {
        return backend.trainer(bundle.spec(), bundle.vocabularies(), bundle.weights(), optimizer, options);
    }

    private static void oneStep(Backend backend, BackendOptions options) {
        StringLookup users = vocabulary(4, "u");
        StringLookup items = vocabulary(5, "i");
        RetrievalSpec spec = new RetrievalSpec(TowerSpec.embedding("query", "user_id", users.size(), 3),
                TowerSpec.embedding("candidate", "item", items.size(), 3), new RetrievalTaskSpec(0.5));
        Weights initial = Initializers.initialWeights(spec, 3);
        // duplicates in both columns, and an OOV row
        int[] u = {1, 2, 1, 4, 0};
        int[] it = {3, 3, 1, 2, 5};
        float[] w = {1, 0.5f, 2, 1, 1};
        Adagrad adagrad = new Adagrad(0.1);
        ModelBundle bundle = new ModelBundle(spec, Map.of("user_id", users, "item", items), initial, null, null);
        FeatureBatch batch = new FeatureBatch(Map.of("user_id", u, "item", it), w, u.length);
        try (Trainer trainer = trainer(backend, options, bundle, adagrad)) {
            double expectedLoss = new Retrieval(spec.task(), List.of()).loss(bundle.javaQueryTower().embedIndices(u),
                    bundle.javaCandidateTower().embedIndices(it), w);
            StepResult test = trainer.testStep(batch);
            assertEquals(expectedLoss, test.loss(), 1e-5 * Math.abs(expectedLoss), "test step loss");
            StepResult train = trainer.trainStep(batch);
            assertEquals(test.loss(), train.loss(), 1e-6, "the train step reports the loss before its update");
            Weights after = trainer.weights();
            Weights expected = HandAdagrad.step(initial, u, it, w, 0.5, adagrad);
            for (String name : List.of("query/embedding", "candidate/embedding")) {
                float[] a = after.get(name).data();
                float[] e = expected.get(name).data();
                for (int i = 0; i < a.length; i++) {
                    assertEquals(e[i], a[i], 1e-6, name + "[" + i + "]");
                }
            }
            // row 3 of the user table was not in the batch: untouched, and so is its accumulator
            assertEquals(initial.get("query/embedding").data()[9], after.get("query/embedding").data()[9]);
        }
    }

    /** A small step (Adagrad 0.01), so that a lower loss after it is a property of the gradient, not luck. */
    private static void options(OptionsCase c, Backend backend, BackendOptions options) {
        try (Trainer t = trainer(backend, options, c.bundle(), new Adagrad(0.01))) {
            StepResult r = t.testStep(c.batch());
            assertEquals(c.referenceLoss(), r.loss(), 2e-5 * Math.abs(c.referenceLoss()), "loss");
            assertEquals(c.referenceRegularization(), r.regularizationLoss(),
                    1e-5 * Math.abs(c.referenceRegularization()) + 1e-9, "regularization loss");
            StepResult train = t.trainStep(c.batch());
            assertEquals(r.loss(), train.loss(), 1e-6 * Math.abs(r.loss()), "the train step's loss is the test step's");
            assertTrue(t.testStep(c.batch()).totalLoss() < r.totalLoss(), "a step lowers the loss");
        }
    }

    private static void logQ(Backend backend, BackendOptions options) {
        LogQCase c = LogQCase.random(12);
        try (Trainer t = trainer(backend, options, c.bundle(), new Adagrad(0.1))) {
            assertEquals(c.referenceLoss(), t.testStep(c.batch()).loss(), 1e-4 * Math.abs(c.referenceLoss()));
        }
    }

    private static void features(Backend backend, BackendOptions options) {
        FeatureCase c = FeatureCase.random(4, new RetrievalTaskSpec(0.8, 0.01).withL2PerTable(0.001));
        ModelBundle b = c.bundle();
        try (Trainer t = trainer(backend, options, b, new Adagrad(0.05))) {
            assertClose(b.javaQueryTower().embedIndices(c.users(), c.context()),
                    t.queryTower().embedIndices(c.users(), c.context()), "query tower with its context");
            assertClose(b.javaQueryTower().embedIndices(c.users(), c.context()), t.embed(c.batch()).queries(),
                    "the trainer's embed(batch) reads the batch's context");
            StepResult r = t.testStep(c.batch());
            assertEquals(c.referenceLoss(), r.loss(), 1e-5 * Math.abs(c.referenceLoss()), "loss");
            for (int i = 0; i < 5; i++) {
                t.trainStep(c.batch());
            }
            assertTrue(t.testStep(c.batch()).totalLoss() < r.totalLoss(), "training lowers the loss");
            // the trained weights, through the Java reference, give what the trainer's towers give
            ModelBundle trained = new ModelBundle(b.spec(), b.vocabularies(), t.weights(), null, null);
            assertClose(trained.javaQueryTower().embedIndices(c.users(), c.context()),
                    t.queryTower().embedIndices(c.users(), c.context()), "trained query tower");
            int[] items = c.batch().feature("item");
            assertClose(trained.javaCandidateTower().embedIndices(items), t.candidateTower().embedIndices(items),
                    "trained candidate tower");
        }
    }

    /** Embeddings of norm about 10: scores up to about 200, far past float exp()'s range. */
    private static void largeScores(Backend backend, BackendOptions options) {
        StringLookup users = vocabulary(20, "u");
        StringLookup items = vocabulary(30, "i");
        RetrievalSpec spec = new RetrievalSpec(TowerSpec.embedding("query", "user_id", users.size(), 4),
                TowerSpec.embedding("candidate", "item", items.size(), 4), new RetrievalTaskSpec(0.5));
        Map<String, FloatTensor> big = new LinkedHashMap<>();
        Initializers.initialWeights(spec, 4).asMap().forEach((name, t) -> {
            float[] v = t.data().clone();
            for (int i = 0; i < v.length; i++) {
                v[i] *= 200f;
            }
            big.put(name, new FloatTensor(t.shape(), v));
        });
        ModelBundle b = new ModelBundle(spec, Map.of("user_id", users, "item", items), new Weights(big), null, null);
        Random random = new Random(8);
        int[] u = random.ints(200, 0, users.size()).toArray();
        int[] it = random.ints(200, 0, items.size()).toArray();
        double reference = new Retrieval(spec.task(), List.of()).loss(b.javaQueryTower().embedIndices(u),
                b.javaCandidateTower().embedIndices(it), null);
        try (Trainer t = trainer(backend, options, b, new Adagrad(0.1))) {
            double loss = t.testStep(new FeatureBatch(Map.of("user_id", u, "item", it), null, u.length)).loss();
            assertTrue(Double.isFinite(loss), "a finite loss, got " + loss);
            assertEquals(reference, loss, 1e-4 * Math.abs(reference));
        }
    }

    /** Two towers with two dense layers each, one of each activation. */
    static ModelBundle denseBundle() {
        StringLookup users = vocabulary(30, "u");
        StringLookup items = vocabulary(40, "i");
        RetrievalSpec spec = new RetrievalSpec(
                TowerSpec.embedding("query", "user_id", users.size(), 12).withDense(10, Activation.TANH)
                        .withDense(6, Activation.RELU),
                TowerSpec.embedding("candidate", "item", items.size(), 8).withDense(7, Activation.SIGMOID)
                        .withDense(6, Activation.LINEAR),
                RetrievalTaskSpec.defaults());
        return new ModelBundle(spec, Map.of("user_id", users, "item", items), Initializers.initialWeights(spec, 1),
                null, null);
    }

    static StringLookup vocabulary(int n, String prefix) {
        return StringLookup.of(IntStream.range(0, n).mapToObj(i -> prefix + i).toList());
    }

    /** Equal within 1e-5 in every element. */
    static void assertClose(Embeddings expected, Embeddings actual, String what) {
        assertEquals(expected.rows(), actual.rows(), what + ": rows");
        assertEquals(expected.dim(), actual.dim(), what + ": dimension");
        double d = expected.maxAbsDifference(actual);
        assertTrue(d < 1e-5, what + ": differs by up to " + d);
    }

    private record Case(String name, BiConsumer<Backend, BackendOptions> body) implements TrainingCase {
        @Override
        public void check(Backend backend, BackendOptions options) {
            body.accept(backend, options);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
