package org.recsys4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.recsys4j.spec.FeatureSpec;
import org.recsys4j.spec.OutputBias;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.task.Retrieval;
import org.recsys4j.vocab.StringLookup;

/** Towers with features and a score bias, by hand on two-dimensional tables. */
class TowerInputsTest {
    // id table rows (OOV, a, b); a "tags" bag: a has tags 1 and 2, b none; a context "bucket" of 2 rows
    private static final TowerSpec TOWER = TowerSpec.embedding("q", "id", 3, 2)
            .withFeature(FeatureSpec.derived("tags", 3, new int[][] {{}, {1, 2}, {}}))
            .withFeature(FeatureSpec.context("bucket", 2));
    private static final Map<String, float[]> TABLES = Map.of(
            "q/embedding", new float[] {0, 0, 1, 2, 3, 4},
            "q/tags/embedding", new float[] {9, 9, 10, 0, 0, 20},
            "q/bucket/embedding", new float[] {0.5f, 0.5f, 100, 200});

    @Test
    void derivedValuesAreAveragedAndContextAdded() {
        float[] x = TowerInputs.sum(TOWER, TABLES, new int[] {1, 2, 1}, bucket(1, 0, 0));
        // a: (1,2) + mean((10,0),(0,20)) + (100,200); b: (3,4) + nothing + (0.5,0.5); a in bucket 0
        assertArrayEquals(new float[] {106, 212, 3.5f, 4.5f, 6.5f, 12.5f}, x, 1e-6f);
        // without context the OOV bucket row is read
        assertArrayEquals(new float[] {3.5f, 4.5f}, TowerInputs.sum(TOWER, TABLES, new int[] {2}, Features.none()),
                1e-6f);
        assertThrows(IllegalArgumentException.class,
                () -> TowerInputs.sum(TOWER, TABLES, new int[] {1}, bucket(2)));
    }

    @Test
    void gradientsScatterBackWithTheSameWeights() {
        Map<String, float[]> g = Map.of("q/tags/embedding", new float[6], "q/bucket/embedding", new float[4]);
        TowerInputs.scatterFeatures(TOWER, g, new float[] {2, 4, 1, 1}, new int[] {1, 2},
                bucket(1, 1));
        assertArrayEquals(new float[] {0, 0, 1, 2, 1, 2}, g.get("q/tags/embedding"), 1e-6f);
        assertArrayEquals(new float[] {0, 0, 3, 5}, g.get("q/bucket/embedding"), 1e-6f);
    }

    // a numeric "age" (one float per example) times its one-row table (3, -1)
    private static final TowerSpec NUMERIC = TowerSpec.embedding("q", "id", 3, 2)
            .withFeature(FeatureSpec.numeric("age"));
    private static final Map<String, float[]> NUMERIC_TABLES = Map.of(
            "q/embedding", new float[] {0, 0, 1, 2, 3, 4},
            "q/age/embedding", new float[] {3, -1});

    @Test
    void aNumericFeatureAddsItsValueTimesItsVector() {
        assertEquals(List.of(1, 2), java.util.Arrays.stream(NUMERIC.weightShapes().get("q/age/embedding")).boxed()
                .toList());
        Features age = Features.none().withValues("age", new float[] {2f, -0.5f, 0f});
        float[] x = TowerInputs.sum(NUMERIC, NUMERIC_TABLES, new int[] {1, 2, 1}, age);
        // a: (1,2) + 2 (3,-1) = (7,0); b: (3,4) - 0.5 (3,-1) = (1.5,4.5); a at 0: (1,2)
        assertArrayEquals(new float[] {7, 0, 1.5f, 4.5f, 1, 2}, x, 1e-6f);
        // without the value it counts as 0, the mean
        assertArrayEquals(new float[] {3, 4},
                TowerInputs.sum(NUMERIC, NUMERIC_TABLES, new int[] {2}, Features.none()), 1e-6f);
        // the table's gradient: sum_i value_i * grad_i = 2 (1,10) - 0.5 (100,1000) + 0 (7,7)
        Map<String, float[]> g = Map.of("q/age/embedding", new float[2]);
        TowerInputs.scatterFeatures(NUMERIC, g, new float[] {1, 10, 100, 1000, 7, 7}, new int[] {1, 2, 1}, age);
        assertArrayEquals(new float[] {-48, -480}, g.get("q/age/embedding"), 1e-4f);
        // JavaTower agrees
        Weights w = new Weights(
                Map.of("q/embedding", new FloatTensor(new int[] {3, 2}, NUMERIC_TABLES.get("q/embedding")),
                "q/age/embedding", new FloatTensor(new int[] {1, 2}, NUMERIC_TABLES.get("q/age/embedding"))));
        Embeddings e = new JavaTower(NUMERIC, StringLookup.of(List.of("a", "b")), w)
                .embedIndices(new int[] {1, 2, 1}, age);
        assertArrayEquals(x, e.data(), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> new FeatureSpec("age", 2, null, true));
    }

    @Test
    void numericValuesAreQueryKeysByTheirValue() {
        RetrievalSpec spec = new RetrievalSpec(NUMERIC, TowerSpec.embedding("c", "item", 3, 2),
                RetrievalTaskSpec.defaults());
        Features features = Features.none().withRows("id", new int[] {1, 1, 1, 2})
                .withRows("item", new int[] {1, 2, 1, 2}).withValues("age", new float[] {1f, 1f, 2f, 1f});
        var d = org.recsys4j.task.DeduplicatedBatch.of(new org.recsys4j.spi.FeatureBatch(features, null, 4), spec,
                true);
        // (a, 1), (a, 2), (b, 1)
        assertArrayEquals(new int[] {1, 1, 2}, d.queryRows());
        assertArrayEquals(new int[] {0, 0, 1, 2}, d.queryOf());
        assertArrayEquals(new float[] {1f, 2f, 1f}, d.queryContext().values("age"));
        // a numeric feature given as rows, or a categorical one as values, is refused by name
        var asRows = new org.recsys4j.spi.FeatureBatch(Features.none().withRows("id", new int[] {1})
                .withRows("item", new int[] {1}).withRows("age", new int[] {1}), null, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> org.recsys4j.task.DeduplicatedBatch.of(asRows, spec, true));
        assertEquals("tower 'q' reads feature 'age' as numeric values but the batch has it as vocabulary rows",
                e.getMessage());
    }

    private static Features bucket(int... rows) {
        return Features.none().withRows("bucket", rows);
    }

    @Test
    void aScoreBiasIsALastColumnAndAddsToEveryScore() {
        StringLookup ids = StringLookup.of(List.of("a"));
        RetrievalSpec spec = new RetrievalSpec(TowerSpec.embedding("query", "u", 2, 2),
                TowerSpec.embedding("candidate", "c", 2, 2), RetrievalTaskSpec.defaults()).withCandidateBias();
        assertEquals(OutputBias.ONE, spec.query().outputBias());
        assertEquals(3, spec.candidate().outputDim());
        Weights w = new Weights(Map.of(
                "query/embedding", new FloatTensor(new int[] {2, 2}, new float[] {0, 0, 1, 2}),
                "candidate/embedding", new FloatTensor(new int[] {2, 2}, new float[] {0, 0, 3, 1}),
                "candidate/score_bias", new FloatTensor(new int[] {2, 1}, new float[] {0, -0.5f})));
        Embeddings q = new JavaTower(spec.query(), ids, w).embedIndices(new int[] {1});
        Embeddings c = new JavaTower(spec.candidate(), ids, w).embedIndices(new int[] {1});
        assertArrayEquals(new float[] {1, 2, 1}, q.data());
        assertArrayEquals(new float[] {3, 1, -0.5f}, c.data());
        // score 1*3 + 2*1 - 0.5 = 4.5 against itself only: the softmax of one logit costs nothing
        assertEquals(0, new Retrieval().loss(q, c, null), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> new RetrievalSpec(spec.query(),
                spec.candidate().withOutputBias(OutputBias.NONE), RetrievalTaskSpec.defaults()));
    }

    @Test
    void theTableL2CoversTablesAndKernelsNotBiases() {
        RetrievalSpec spec = new RetrievalSpec(TOWER.withDense(1, org.recsys4j.spec.Activation.LINEAR),
                TowerSpec.embedding("c", "item", 2, 1), new RetrievalTaskSpec(1, 0).withL2PerTable(0.5));
        Map<String, FloatTensor> m = new java.util.LinkedHashMap<>();
        spec.weightShapes().forEach((name, shape) -> {
            FloatTensor t = FloatTensor.zeros(shape);
            java.util.Arrays.fill(t.data(), 1f);
            m.put(name, t);
        });
        // ones everywhere: q/embedding 6 + tags 6 + bucket 4 + kernel 2 + c/embedding 2 = 20 (the dense bias not)
        assertEquals(0.5 * 20, new Retrieval(spec.task(), List.of()).tableRegularizationLoss(spec, new Weights(m)),
                1e-9);
    }
}
