package org.recsys4j.spi;

import org.recsys4j.model.Tower;
import org.recsys4j.model.Weights;

/**
 * A model compiled by a backend: the training step and the test step, for users who write their
 * own loop as the TFRS tutorial's base-class-free model does. Most users call
 * {@code RetrievalModel.fit} or {@code RecommenderModel.fit} instead, which run these steps.
 */
public interface Trainer extends AutoCloseable {
    /** Forward pass, loss, gradients and one optimizer update. */
    StepResult trainStep(FeatureBatch batch);

    /** Forward pass and loss only. */
    StepResult testStep(FeatureBatch batch);

    /**
     * Says that {@code next} is the batch of the coming step, so that a trainer may prepare it on
     * another thread while the current step runs, as {@code tf.data}'s {@code prefetch} does for
     * Keras. A trainer that prepares nothing ignores it (the default); one that does must give a
     * step on {@code next} the same result as without the hint, and a step on any other batch too.
     */
    default void prefetch(FeatureBatch next) {
    }

    /** The towers' forward pass at the current weights, one row per example, for metrics. */
    default BatchEmbeddings embed(FeatureBatch batch) {
        return new BatchEmbeddings(queryTower().embedIndices(batch.feature(queryTower().feature()), batch.features()),
                candidateTower().embedIndices(batch.feature(candidateTower().feature())));
    }

    /** The Retrieval task's query tower at the current weights; valid until the trainer is closed. */
    Tower queryTower();

    /** The Retrieval task's candidate tower at the current weights; valid until the trainer is closed. */
    Tower candidateTower();

    /** Any tower of the model by name at the current weights; valid until the trainer is closed. */
    default Tower tower(String name) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " names no towers beyond query and candidate");
    }

    /** A copy of the current weights. */
    Weights weights();

    @Override
    void close();
}
