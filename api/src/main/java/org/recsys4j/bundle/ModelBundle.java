package org.recsys4j.bundle;

import java.util.Map;
import java.util.Objects;
import org.recsys4j.model.JavaTower;
import org.recsys4j.model.RankingHead;
import org.recsys4j.model.Tower;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.ModelSpec;
import org.recsys4j.spec.RankingTask;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spec.TrainingConfig;
import org.recsys4j.vocab.StringLookup;

/**
 * A trained model in one backend-neutral form: the model spec (towers and tasks), the
 * vocabularies (by feature), the weights, how it was trained and where its data came from. Every
 * backend reads and writes it. A retrieval model's bundle also answers {@link #spec()}, its towers
 * and Retrieval options as a {@link RetrievalSpec}, which indexes and exports of retrieval use.
 */
public record ModelBundle(ModelSpec model, Map<String, StringLookup> vocabularies, Weights weights,
        TrainingConfig training, Provenance provenance) {

    public ModelBundle {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(weights, "weights");
        vocabularies = Map.copyOf(vocabularies);
        for (TowerSpec tower : model.towers()) {
            check(tower, vocabularies);
        }
        weights.validate(model);
    }

    /** A retrieval model's bundle: its two towers and one Retrieval task. */
    public ModelBundle(RetrievalSpec spec, Map<String, StringLookup> vocabularies, Weights weights,
            TrainingConfig training, Provenance provenance) {
        this(ModelSpec.of(Objects.requireNonNull(spec, "spec")), vocabularies, weights, training, provenance);
    }

    private static void check(TowerSpec tower, Map<String, StringLookup> vocabularies) {
        StringLookup v = vocabularies.get(tower.feature());
        if (v == null) {
            throw new IllegalArgumentException("no vocabulary for feature '" + tower.feature() + "'");
        }
        if (v.size() != tower.vocabularySize()) {
            throw new IllegalArgumentException("tower '" + tower.name() + "' has " + tower.vocabularySize()
                    + " embedding rows but the '" + tower.feature() + "' vocabulary needs " + v.size());
        }
    }

    /** The Retrieval task's towers and options, or null when the model has no Retrieval task. */
    public RetrievalSpec spec() {
        return model.retrieval();
    }

    /** Whether this is a retrieval model's bundle (one Retrieval task of weight 1, nothing else). */
    public boolean retrievalOnly() {
        return model.retrievalOnly();
    }

    /** The vocabulary of {@code tower}'s id feature. */
    public StringLookup vocabulary(TowerSpec tower) {
        return vocabularies.get(tower.feature());
    }

    /** The query tower evaluated in plain Java. */
    public Tower javaQueryTower() {
        return javaTower(retrieval().query().name());
    }

    /** The candidate tower evaluated in plain Java. */
    public Tower javaCandidateTower() {
        return javaTower(retrieval().candidate().name());
    }

    /** Any tower of the model evaluated in plain Java. */
    public Tower javaTower(String name) {
        TowerSpec tower = model.tower(name);
        return new JavaTower(tower, vocabulary(tower), weights);
    }

    /** A ranking task's head evaluated in plain Java. */
    public RankingHead javaRankingHead(String task) {
        for (RankingTask k : model.rankingTasks()) {
            if (k.name().equals(task)) {
                return new RankingHead(k, model.inputDim(k), weights);
            }
        }
        throw new IllegalArgumentException("the model has no ranking task '" + task + "'; its ranking tasks are "
                + model.rankingTasks().stream().map(RankingTask::name).toList());
    }

    private RetrievalSpec retrieval() {
        RetrievalSpec r = model.retrieval();
        if (r == null) {
            throw new UnsupportedOperationException("this model has no Retrieval task, so no query or candidate"
                    + " tower; its towers are " + model.towers().stream().map(TowerSpec::name).toList());
        }
        return r;
    }
}
