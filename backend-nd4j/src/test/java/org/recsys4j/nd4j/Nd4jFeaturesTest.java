package org.recsys4j.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Features;
import org.recsys4j.model.FloatTensor;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.Backends;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.spi.Inference;
import org.recsys4j.task.Retrieval;
import org.recsys4j.testing.FeatureCase;

/**
 * Towers with features besides the id ({@link FeatureCase}: a query with a context bucket, a
 * jagged tag bag with an empty row, and a dense layer; a candidate with a derived genre) against
 * the Java reference towers, collapsed and plain.
 */
class Nd4jFeaturesTest {
    private static final Adagrad OPTIMIZER = new Adagrad(0.1);

    private static Nd4jTrainer trainer(ModelBundle b, Weights w, boolean collapse) {
        return (Nd4jTrainer) new Nd4jBackend().trainer(b.spec(), b.vocabularies(), w, OPTIMIZER,
                new BackendOptions(Map.of("collapse", Boolean.toString(collapse))));
    }

    private static Nd4jTrainer trainer(FeatureCase c, boolean collapse) {
        return trainer(c.bundle(), c.bundle().weights(), collapse);
    }

    /** The reference loss of a batch at some weights, from the Java towers, in double. */
    private static double referenceLoss(ModelBundle b, Weights w, FeatureBatch batch) {
        ModelBundle at = new ModelBundle(b.spec(), b.vocabularies(), w, null, null);
        RetrievalSpec spec = b.spec();
        int[] users = batch.feature(spec.query().feature());
        int[] own = batch.feature(spec.candidate().feature());
        int[] extra = batch.extraCandidates() == null ? new int[0] : batch.extraCandidates();
        int[] all = java.util.stream.IntStream.concat(java.util.Arrays.stream(own), java.util.Arrays.stream(extra))
                .toArray();
        // every context feature of the batch: the bucket's rows and the numeric score's values
        Embeddings q = at.javaQueryTower().embedIndices(users,
                org.recsys4j.model.TowerInputs.context(spec.query(), batch.features()));
        Embeddings c = at.javaCandidateTower().embedIndices(all);
        return new Retrieval(spec.task(), List.of()).loss(q, c, batch.sampleWeights(), null, all);
    }

    @Test
    void lossMatchesTheJavaTowersOnBothPaths() {
        for (RetrievalTaskSpec task : List.of(RetrievalTaskSpec.defaults(), new RetrievalTaskSpec(0.3)
                .withRemoveAccidentalHits(true))) {
            FeatureCase c = FeatureCase.random(5, task);
            // with sample weights and extra negatives too: extras go through the candidate tower's features
            Random random = new Random(6);
            float[] w = new float[c.batch().size()];
            for (int i = 0; i < w.length; i++) {
                w[i] = 0.25f + random.nextFloat();
            }
            FeatureBatch weighted = new FeatureBatch(c.batch().features(), w, c.batch().size())
                    .withExtraCandidates(random.ints(30, 1, 40).toArray(), null);
            for (boolean collapse : new boolean[] {true, false}) {
                try (Nd4jTrainer t = trainer(c, collapse)) {
                    String what = task + " collapse=" + collapse;
                    assertEquals(c.referenceLoss(), t.testStep(c.batch()).loss(), 1e-5 * Math.abs(c.referenceLoss()),
                            what);
                    double reference = referenceLoss(c.bundle(), c.bundle().weights(), weighted);
                    assertEquals(reference, t.testStep(weighted).loss(), 1e-5 * Math.abs(reference), what
                            + " weighted");
                }
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferencesOfTheReferenceOnBothPaths() {
        FeatureCase c = FeatureCase.random(7, RetrievalTaskSpec.defaults());
        Map<String, float[]> collapsed;
        Map<String, float[]> plain;
        double[] loss = new double[1];
        try (Nd4jTrainer fast = trainer(c, true); Nd4jTrainer slow = trainer(c, false)) {
            collapsed = fast.gradients(c.batch(), loss);
            plain = slow.gradients(c.batch(), loss);
        }
        assertEquals(c.bundle().spec().query().weightShapes().size()
                + c.bundle().spec().candidate().weightShapes().size(), plain.size(), "a gradient for every weight");
        for (String name : plain.keySet()) {
            assertTrue(relativeError(plain.get(name), collapsed.get(name), plain) <= 1e-4, name);
        }
        // central differences of the double-precision reference loss: scores are small, so it is smooth and exact
        double h = 1e-3;
        Weights w0 = c.bundle().weights();
        for (String name : plain.keySet()) {
            float[] g = plain.get(name);
            for (int i : probes(g)) {
                double up = referenceLoss(c.bundle(), nudged(w0, name, i, h), c.batch());
                double down = referenceLoss(c.bundle(), nudged(w0, name, i, -h), c.batch());
                double fd = (up - down) / (2 * h);
                assertEquals(fd, g[i], 2e-3 * maxAbs(g) + 1e-5, name + "[" + i + "]");
            }
        }
        // rows no example reads get no gradient: buckets 3..5 (the batch has 0..2), and id row 3 has no tags
        float[] bucket = plain.get("query/bucket/embedding");
        for (int k = 3 * 6; k < bucket.length; k++) {
            assertEquals(0f, bucket[k]);
        }
    }

    /** A few entries of each weight: its largest, its smallest, and ones in the middle. */
    private static int[] probes(float[] g) {
        int max = 0;
        for (int i = 1; i < g.length; i++) {
            if (Math.abs(g[i]) > Math.abs(g[max])) {
                max = i;
            }
        }
        return java.util.stream.IntStream.of(max, 0, g.length / 2, g.length - 1).distinct().toArray();
    }

    private static Weights nudged(Weights w, String name, int index, double h) {
        Map<String, FloatTensor> out = new LinkedHashMap<>(w.asMap());
        FloatTensor t = w.get(name);
        float[] v = t.data().clone();
        v[index] += (float) h;
        out.put(name, new FloatTensor(t.shape(), v));
        return new Weights(out);
    }

    @Test
    void aStepIsKerasAdagradOnTheRowsTheBatchRead() {
        FeatureCase c = FeatureCase.random(9, RetrievalTaskSpec.defaults());
        for (boolean collapse : new boolean[] {true, false}) {
            try (Nd4jTrainer t = trainer(c, collapse)) {
                Map<String, float[]> g = t.gradients(c.batch(), new double[1]);
                double before = t.testStep(c.batch()).loss();
                t.trainStep(c.batch());
                Weights after = t.weights();
                assertEquals(new ArrayList<>(c.bundle().weights().names()), new ArrayList<>(after.names()),
                        "weights in the spec's order");
                for (String name : List.of("query/embedding", "query/bucket/embedding", "query/score/embedding",
                        "query/tags/embedding", "candidate/embedding", "candidate/genre/embedding")) {
                    float[] w0 = c.bundle().weights().get(name).data();
                    float[] w1 = after.get(name).data();
                    float[] gn = g.get(name);
                    for (int i = 0; i < w0.length; i++) {
                        // fresh accumulators: w - lr g / (sqrt(0.1 + g^2) + eps); a row not read keeps its value
                        double expected = w0[i] - 0.1 * gn[i] / (Math.sqrt(0.1 + (double) gn[i] * gn[i]) + 1e-7);
                        assertEquals(expected, w1[i], 1e-6, name + "[" + i + "] collapse=" + collapse);
                    }
                }
                assertTrue(t.testStep(c.batch()).loss() < before, "a step lowers the loss, collapse=" + collapse);
            }
        }
    }

    @Test
    void perTableL2CoversTheFeatureTables() {
        FeatureCase c = FeatureCase.random(11, new RetrievalTaskSpec(0.5).withL2PerTable(0.01));
        RetrievalSpec spec = c.bundle().spec();
        assertTrue(Retrieval.regularizedWeights(spec).containsAll(List.of("query/bucket/embedding",
                "query/score/embedding", "query/tags/embedding", "candidate/genre/embedding")));
        double reference = new Retrieval(spec.task(), List.of()).tableRegularizationLoss(spec, c.bundle().weights());
        for (boolean collapse : new boolean[] {true, false}) {
            try (Nd4jTrainer t = trainer(c, collapse)) {
                var r = t.testStep(c.batch());
                assertEquals(reference, r.regularizationLoss(), 1e-5 * reference, "collapse=" + collapse);
                t.trainStep(c.batch());
                // the penalty's gradient 2 l2 W reaches every row, read by the batch or not
                float[] w0 = c.bundle().weights().get("query/bucket/embedding").data();
                float[] w1 = t.weights().get("query/bucket/embedding").data();
                for (int k = 3 * 6; k < w0.length; k++) {
                    assertTrue(Math.abs(w1[k]) < Math.abs(w0[k]), "bucket row " + k / 6 + " shrinks");
                }
                assertTrue(t.testStep(c.batch()).totalLoss() < r.totalLoss(), "collapse=" + collapse);
            }
        }
    }

    @Test
    void towersMatchTheJavaTowersWithAndWithoutContext() {
        FeatureCase c = FeatureCase.random(13, RetrievalTaskSpec.defaults());
        ModelBundle b = c.bundle();
        int[] users = {0, 3, 3, 7, 24, 0};
        int[] buckets = {0, 1, 5, 2, 4, 3};
        int[] items = {0, 1, 39, 17, 17};
        try (Nd4jTrainer t = trainer(c, true);
                Inference inference = Backends.get("nd4j").inference(b, BackendOptions.none())) {
            for (var query : List.of(t.queryTower(), inference.queryTower())) {
                Features bucket = Features.none().withRows("bucket", buckets);
                Embeddings expected = b.javaQueryTower().embedIndices(users, bucket);
                assertTrue(query.embedIndices(users, bucket).maxAbsDifference(expected) < 1e-5);
                // a numeric value, alone and with the bucket
                Features scored = bucket.withValues("score", new float[] {0f, 1.5f, -2f, 0.25f, 3f, -0.5f});
                assertTrue(query.embedIndices(users, scored)
                        .maxAbsDifference(b.javaQueryTower().embedIndices(users, scored)) < 1e-5);
                assertTrue(b.javaQueryTower().embedIndices(users, scored).maxAbsDifference(expected) > 1e-3,
                        "the score counts");
                // without its context a query reads the OOV bucket, as the Java tower does
                assertTrue(query.embedIndices(users).maxAbsDifference(b.javaQueryTower().embedIndices(users)) < 1e-5);
            }
            for (var candidate : List.of(t.candidateTower(), inference.candidateTower())) {
                assertTrue(candidate.embedIndices(items)
                        .maxAbsDifference(b.javaCandidateTower().embedIndices(items)) < 1e-6);
            }
            var embedded = t.embed(c.batch());
            assertTrue(embedded.queries().maxAbsDifference(b.javaQueryTower().embedIndices(c.users(), c.context()))
                    < 1e-5);
        }
    }

    private static double relativeError(float[] expected, float[] actual, Map<String, float[]> all) {
        double diff = 0;
        for (int i = 0; i < expected.length; i++) {
            diff += (expected[i] - actual[i]) * (double) (expected[i] - actual[i]);
        }
        // against the largest gradient: a bias's can be a small sum of large terms that cancel
        double norm = 0;
        for (float[] g : all.values()) {
            norm = Math.max(norm, norm(g));
        }
        return Math.sqrt(diff) / norm;
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * (double) x;
        }
        return Math.sqrt(s);
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }
}
