package org.recsys4j.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.recsys4j.bundle.ModelBundle;
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
import org.recsys4j.task.Retrieval;
import org.recsys4j.testing.BackendConformance;
import org.recsys4j.vocab.StringLookup;

/**
 * The ND4J trainer against the conformance suite, collapsed (the default) and plain; and what only
 * ND4J has: its written-out gradients, the workers that share the softmax, and the paths for
 * device memory.
 */
class Nd4jTrainerTest extends BackendConformance {
    @Override
    protected Backend backend() {
        return new Nd4jBackend();
    }

    @Override
    protected List<BackendOptions> trainingOptions() {
        return List.of(new BackendOptions(Map.of("collapse", "true")), new BackendOptions(Map.of("collapse", "false")));
    }

    private static StringLookup vocab(int n, String prefix) {
        return StringLookup.of(IntStream.range(0, n).mapToObj(i -> prefix + i).toList());
    }

    /** A query tower over user_id and a candidate tower over item, each its id's embedding of dimension 8. */
    private static RetrievalSpec idTowers(StringLookup users, StringLookup items, RetrievalTaskSpec task) {
        return new RetrievalSpec(TowerSpec.embedding("query", "user_id", users.size(), 8),
                TowerSpec.embedding("candidate", "item", items.size(), 8), task);
    }

    private static FeatureBatch batch(int[] users, int[] items, float[] weights) {
        return new FeatureBatch(Map.of("user_id", users, "item", items), weights, users.length);
    }

    private static Nd4jTrainer trainer(RetrievalSpec spec, Map<String, StringLookup> v, Weights w, boolean collapse) {
        return (Nd4jTrainer) new Nd4jBackend().trainer(spec, v, w, new Adagrad(0.1),
                new BackendOptions(Map.of("collapse", Boolean.toString(collapse))));
    }

    /** TensorFlow's own settings mean nothing here, and say so. */
    @Test
    void anotherBackendsSettingIsRefusedByName() {
        var c = org.recsys4j.testing.OptionsCase.all(1).get(0);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Nd4jBackend().trainer(c.bundle().spec(), c.bundle().vocabularies(), c.bundle().weights(),
                        new Adagrad(0.1), new BackendOptions(Map.of("xla", "true"))));
        assertEquals("unknown backend option 'xla' for nd4j; it takes:\n  " + Nd4jBackend.COLLAPSE + "\n  "
                + Nd4jBackend.THREADS, e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Nd4jBackend().inference(c.bundle(), new BackendOptions(Map.of("threads", "-1"))));
        assertEquals("backend option threads of nd4j must be a whole number, 0 or more, got '-1'", e.getMessage());
    }

    @Test
    void collapsedLossAndGradientsEqualThePlainFormulation() {
        Random random = new Random(17);
        for (int trial = 0; trial < 6; trial++) {
            StringLookup users = vocab(5 + random.nextInt(40), "u");
            StringLookup items = vocab(5 + random.nextInt(60), "i");
            Activation act = Activation.values()[random.nextInt(Activation.values().length)];
            RetrievalSpec spec = new RetrievalSpec(
                    TowerSpec.embedding("query", "user_id", users.size(), 8).withDense(6, act),
                    TowerSpec.embedding("candidate", "item", items.size(), 6), new RetrievalTaskSpec(
                            0.2 + random.nextDouble()));
            Weights initial = Initializers.initialWeights(spec, trial);
            // more examples than rows: plenty of duplicates; more than one block of rows
            int n = 3000 + random.nextInt(2000);
            int[] u = random.ints(n, 0, users.size()).toArray();
            int[] it = random.ints(n, 0, items.size()).toArray();
            float[] w = trial % 2 == 0 ? null : randomWeights(random, n);
            Map<String, StringLookup> v = Map.of("user_id", users, "item", items);
            double[] collapsedLoss = new double[1];
            double[] plainLoss = new double[1];
            Map<String, float[]> collapsed;
            Map<String, float[]> plain;
            try (Nd4jTrainer fast = trainer(spec, v, initial, true); Nd4jTrainer slow = trainer(
                    spec, v, initial, false)) {
                collapsed = fast.gradients(batch(u, it, w), collapsedLoss);
                plain = slow.gradients(batch(u, it, w), plainLoss);
            }
            assertEquals(plainLoss[0], collapsedLoss[0], 1e-4 * Math.abs(plainLoss[0]), "trial " + trial);
            // and both agree with the plain Java reference loss
            ModelBundle b = new ModelBundle(spec, v, initial, null, null);
            double reference = new Retrieval(spec.task(), List.of()).loss(b.javaQueryTower().embedIndices(u),
                    b.javaCandidateTower().embedIndices(it), w);
            assertEquals(reference, plainLoss[0], 1e-4 * Math.abs(reference));
            // Relative L2 error per weight. A bias gradient can be a small sum of large terms that cancel
            // (each softmax row sums to one), so it is measured against its tower's embedding gradient.
            for (String name : plain.keySet()) {
                String table = name.substring(0, name.indexOf('/')) + "/embedding";
                double diff = 0;
                double norm = Math.max(norm(plain.get(name)), norm(plain.get(table)));
                float[] p = plain.get(name);
                float[] c = collapsed.get(name);
                for (int i = 0; i < p.length; i++) {
                    diff += (p[i] - c[i]) * (double) (p[i] - c[i]);
                }
                assertTrue(Math.sqrt(diff) <= 1e-4 * norm, name + " trial " + trial + ": relative error "
                        + Math.sqrt(diff) / norm);
            }
        }
    }

    /**
     * The softmax's row blocks shared among 1, 2 or 3 workers give the same loss and gradients, and
     * the same worker count gives bit-identical ones run after run (partial sums go in worker
     * order), and collapsing still equals the plain formulation. Some examples weigh 0, and one
     * user's weights cancel, so its collapsed row carries its sparse terms outside the products.
     */
    @Test
    void workersShareTheBlocksWithoutChangingTheResult() {
        Random random = new Random(5);
        StringLookup users = vocab(60, "u");
        StringLookup items = vocab(80, "i");
        RetrievalSpec spec = idTowers(users, items, new RetrievalTaskSpec(0.3));
        Weights initial = Initializers.initialWeights(spec, 9);
        int n = 1000;
        int[] u = random.ints(n, 0, users.size()).toArray();
        int[] it = random.ints(n, 0, items.size()).toArray();
        float[] w = randomWeights(random, n);
        for (int i = 0; i < n; i += 7) {
            w[i] = 0;
        }
        // one user's weights cancel (+1, -1, ...): its collapsed row has scale 0 but nonzero sparse terms
        int sign = 1;
        int last = -1;
        for (int i = 0; i < n; i++) {
            if (u[i] == u[0]) {
                w[i] = sign;
                sign = -sign;
                last = i;
            }
        }
        if (sign == -1) {
            w[last] = 0;
        }
        Map<String, StringLookup> v = Map.of("user_id", users, "item", items);
        double[] plainLoss = new double[1];
        Map<String, float[]> plain;
        try (Nd4jTrainer t = new Nd4jTrainer(spec, v, initial, new Adagrad(0.1), false, 1)) {
            plain = t.gradients(batch(u, it, w), plainLoss);
        }
        for (boolean collapse : new boolean[] {true, false}) {
            double[] reference = new double[1];
            Map<String, float[]> one;
            try (Nd4jTrainer t = new Nd4jTrainer(spec, v, initial, new Adagrad(0.1), collapse, 1)) {
                one = t.gradients(batch(u, it, w), reference);
            }
            assertEquals(plainLoss[0], reference[0], 1e-5 * Math.abs(plainLoss[0]), "collapsed against plain");
            for (String name : one.keySet()) {
                for (int i = 0; i < one.get(name).length; i++) {
                    assertEquals(plain.get(name)[i], one.get(name)[i], 1e-4 * (1 + Math.abs(plain.get(name)[i])),
                            "collapsed against plain: " + name + "[" + i + "]");
                }
            }
            for (int workers : new int[] {2, 3}) {
                double[] loss = new double[1];
                double[] again = new double[1];
                Map<String, float[]> g;
                Map<String, float[]> g2;
                // one score per worker: every step is shared out as far as it goes
                try (Nd4jTrainer t = new Nd4jTrainer(spec, v, initial, new Adagrad(0.1), collapse,
                        new Parallel(workers, 1))) {
                    g = t.gradients(batch(u, it, w), loss);
                    g2 = t.gradients(batch(u, it, w), again);
                }
                String what = "collapse=" + collapse + " workers=" + workers;
                assertEquals(reference[0], loss[0], 1e-5 * Math.abs(reference[0]), what);
                assertEquals(loss[0], again[0], 0.0, what + ": run to run");
                for (String name : one.keySet()) {
                    float[] a = one.get(name);
                    float[] b = g.get(name);
                    for (int i = 0; i < a.length; i++) {
                        assertEquals(a[i], b[i], 1e-5 * (1 + Math.abs(a[i])), what + " " + name + "[" + i + "]");
                        assertEquals(b[i], g2.get(name)[i], 0.0f, what + " " + name + "[" + i + "] run to run");
                    }
                }
            }
        }
    }

    /** Id towers (dimension 8) over users and items, seeded initial weights, batches of random pairs. */
    private record IdCase(RetrievalSpec spec, Map<String, StringLookup> vocabularies, Weights initial,
            List<FeatureBatch> batches) {
        static IdCase of(int users, int items, RetrievalTaskSpec task, long seed, int batches, int size) {
            Random random = new Random(seed);
            StringLookup u = vocab(users, "u");
            StringLookup i = vocab(items, "i");
            RetrievalSpec spec = idTowers(u, i, task);
            return new IdCase(spec, Map.of("user_id", u, "item", i), Initializers.initialWeights(spec, seed),
                    IntStream.range(0, batches).mapToObj(b -> batch(random.ints(size, 0, users).toArray(),
                            random.ints(size, 0, items).toArray(), null)).toList());
        }

        Nd4jTrainer trainer(Adagrad adagrad, Parallel parallel) {
            return new Nd4jTrainer(spec, vocabularies, initial, adagrad, true, parallel);
        }
    }

    /**
     * The softmax keeps its arrays from step to step, dirty: a small step after a bigger one gets the
     * gradients a fresh trainer gets, to the bit, also where a worker has no block (4 rows, 3 workers).
     */
    @Test
    void aStepAfterABiggerOneGetsAFreshTrainersGradients() {
        for (RetrievalTaskSpec task : List.of(RetrievalTaskSpec.defaults(),
                new RetrievalTaskSpec(0.5, 0, 0, true, 0, 0))) {
            IdCase x = IdCase.of(300, 500, task, 3, 1, 512);
            FeatureBatch small = batch(new int[] {1, 2, 3, 4}, new int[] {5, 6, 5, 7}, null);
            double[] freshLoss = new double[1];
            double[] loss = new double[1];
            Map<String, float[]> fresh;
            Map<String, float[]> after;
            try (Nd4jTrainer t = x.trainer(new Adagrad(0.1), new Parallel(3, 1))) {
                fresh = t.gradients(small, freshLoss);
            }
            try (Nd4jTrainer t = x.trainer(new Adagrad(0.1), new Parallel(3, 1))) {
                t.gradients(x.batches().get(0), loss);
                after = t.gradients(small, loss);
            }
            assertEquals(freshLoss[0], loss[0], 0.0, task.toString());
            for (String name : fresh.keySet()) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(fresh.get(name), after.get(name),
                        task + " " + name);
            }
        }
    }

    /**
     * Adagrad's sparse update shared out among the workers (a step touching more than twice
     * {@link AdagradState#ROWS_PER_WORKER} rows) moves every table exactly as one thread does:
     * each row's arithmetic is its own. The softmax stays on one worker in both, so only the update
     * differs; a per-example L2 adds to the softmax's gradients, so the update runs after the softmax.
     */
    @Test
    void workersShareAdagradsRowsWithoutChangingTheWeights() {
        IdCase x = IdCase.of(3000, 5000, new RetrievalTaskSpec(1.0, 1e-3), 11, 3, 4096);
        assertTrue(IntStream.of(x.batches().get(0).feature("user_id")).distinct().count()
                > 2 * AdagradState.ROWS_PER_WORKER, "the step's rows are enough to be shared");
        Weights serial;
        Weights shared;
        try (Nd4jTrainer t = x.trainer(new Adagrad(0.1), new Parallel(1, Long.MAX_VALUE))) {
            x.batches().forEach(t::trainStep);
            serial = t.weights();
        }
        try (Nd4jTrainer t = x.trainer(new Adagrad(0.1), new Parallel(2, Long.MAX_VALUE))) {
            x.batches().forEach(t::trainStep);
            shared = t.weights();
        }
        for (String name : serial.names()) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(serial.get(name).data(), shared.get(name).data(),
                    name);
        }
        assertTrue(!java.util.Arrays.equals(x.initial().get(x.spec().query().embeddingName()).data(),
                serial.get(x.spec().query().embeddingName()).data()), "the steps moved the table");
    }

    /**
     * Where a tower's update is its id table's sparse Adagrad, the softmax's workers apply it to rows
     * as soon as their gradient is final (query rows after their block, columns once dC is summed),
     * three workers here: the tables move exactly as the step's gradients, applied by Adagrad after
     * the step, would move them.
     */
    @Test
    void workersUpdateRowsAsTheStepsGradientsThenAdagradWould() {
        IdCase x = IdCase.of(300, 500, RetrievalTaskSpec.defaults(), 5, 1, 512);
        FeatureBatch b = x.batches().get(0);
        Adagrad adagrad = new Adagrad(0.1);
        Map<String, float[]> gradients;
        Weights stepped;
        try (Nd4jTrainer t = x.trainer(adagrad, new Parallel(3, 1))) {
            gradients = t.gradients(b, new double[1]);
            t.trainStep(b);
            stepped = t.weights();
        }
        Map<String, int[]> rowsOf = Map.of(x.spec().query().embeddingName(), b.feature("user_id"),
                x.spec().candidate().embeddingName(), b.feature("item"));
        rowsOf.forEach((name, batchRows) -> {
            float[] expected = x.initial().get(name).data().clone();
            float[] accumulator = new float[expected.length];
            java.util.Arrays.fill(accumulator, (float) adagrad.initialAccumulatorValue());
            int[] rows = IntStream.of(batchRows).distinct().toArray();
            float[] g = new float[rows.length * 8];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(gradients.get(name), rows[i] * 8, g, i * 8, 8);
            }
            SparseAdagrad.scalar(expected, accumulator, rows, g, 8, (float) adagrad.learningRate(),
                    (float) adagrad.epsilon(), 0, rows.length);
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, stepped.get(name).data(), name);
        });
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * (double) x;
        }
        return Math.sqrt(s);
    }

    private static float[] randomWeights(Random random, int n) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = random.nextFloat() * 2;
        }
        return w;
    }

    /**
     * The paths an ND4J backend without host memory (CUDA) takes: ND4J's own gemm, exp and
     * copies instead of direct access. Run here on the CPU, they meet the same reference for
     * every option, collapsed and plain.
     */
    @Test
    void theDeviceMemoryPathsMeetTheReferenceToo() {
        boolean before = NativeFloats.useHostMemory(false);
        try {
            for (org.recsys4j.testing.OptionsCase c : org.recsys4j.testing.OptionsCase.all(21)) {
                for (boolean collapse : new boolean[] {true, false}) {
                    String what = c + " collapse=" + collapse + " without host memory";
                    try (Nd4jTrainer t = new Nd4jTrainer(c.bundle().spec(), c.bundle().vocabularies(),
                            c.bundle().weights(), new Adagrad(0.01), collapse, 1)) {
                        var r = t.testStep(c.batch());
                        assertEquals(c.referenceLoss(), r.loss(), 2e-5 * Math.abs(c.referenceLoss()), what);
                        t.trainStep(c.batch());
                        assertTrue(t.testStep(c.batch()).totalLoss() < r.totalLoss(), "a step lowers the loss: "
                                + what);
                    }
                }
            }
        } finally {
            NativeFloats.useHostMemory(before);
        }
    }
}
