package org.recsys4j.examples.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.model.Embeddings;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.Backends;

/**
 * The two trainers against each other on synthetic batches (no data files needed): the same steps
 * from the same weights give the same weights, under every Retrieval option and with features.
 */
class TrainerParityTest {
    /**
     * Hard-negative mining is discontinuous: once the weights have moved, two logits at the k-th
     * place can differ by float roundoff alone and the backends may keep different columns. Two
     * steps (the same weights after each was checked) stay clear of that on these batches.
     */
    private static final int STEPS = 2;

    /** Steps under each Retrieval option give the same weights on both trainers. */
    @Test
    void everyRetrievalOptionTrainsTheSameOnBothTrainers() {
        for (org.recsys4j.testing.OptionsCase c : org.recsys4j.testing.OptionsCase.all(33)) {
            trainOnBothAndCompare(c.bundle(), c.batch(), c.toString());
        }
    }

    /** {@link #STEPS} steps on each trainer from the bundle's weights; the weights after them agree within 1e-5. */
    private static org.recsys4j.model.Weights trainOnBothAndCompare(ModelBundle start,
            org.recsys4j.spi.FeatureBatch batch, String what) {
        Map<String, org.recsys4j.model.Weights> after = new java.util.LinkedHashMap<>();
        for (String backend : List.of("tensorflow", "nd4j")) {
            try (var trainer = Backends.get(backend).trainer(start.spec(), start.vocabularies(), start.weights(),
                    new Adagrad(0.1), BackendOptions.none())) {
                for (int step = 0; step < STEPS; step++) {
                    trainer.trainStep(batch);
                }
                after.put(backend, trainer.weights());
            }
        }
        for (String name : after.get("tensorflow").names()) {
            float[] tf = after.get("tensorflow").get(name).data();
            float[] nd = after.get("nd4j").get(name).data();
            for (int i = 0; i < tf.length; i++) {
                assertEquals(tf[i], nd[i], 1e-5, what + ": " + name + "[" + i + "]");
            }
        }
        return after.get("tensorflow");
    }

    /** Towers with context and derived features: the same weights on both trainers, and one bundle reads the same. */
    @Test
    void featuresBesidesTheIdTrainTheSameOnBothTrainers() {
        var c = org.recsys4j.testing.FeatureCase.random(8, new RetrievalTaskSpec(0.9, 0.02));
        ModelBundle trained = new ModelBundle(c.bundle().spec(), c.bundle().vocabularies(),
                trainOnBothAndCompare(c.bundle(), c.batch(), "features"), null, null);
        Embeddings[] out = new Embeddings[2];
        for (String backend : List.of("tensorflow", "nd4j")) {
            try (var inference = Backends.get(backend).inference(trained, BackendOptions.none())) {
                Embeddings q = inference.queryTower().embedIndices(c.users(), c.context());
                assertTrue(q.maxAbsDifference(trained.javaQueryTower().embedIndices(c.users(), c.context())) < 1e-5,
                        backend);
                out[backend.equals("tensorflow") ? 0 : 1] = q;
            }
        }
        assertTrue(out[0].maxAbsDifference(out[1]) < 1e-5);
    }

}
