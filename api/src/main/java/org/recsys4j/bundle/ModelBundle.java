package org.recsys4j.bundle;

import java.util.Map;
import java.util.Objects;
import org.recsys4j.model.JavaTower;
import org.recsys4j.model.Tower;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spec.TrainingConfig;
import org.recsys4j.vocab.StringLookup;

/**
 * A trained model in one backend-neutral form: the spec, the vocabularies (by feature), the
 * weights, how it was trained and where its data came from. Every backend reads and writes it.
 */
public record ModelBundle(RetrievalSpec spec, Map<String, StringLookup> vocabularies, Weights weights,
        TrainingConfig training, Provenance provenance) {

    public ModelBundle {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(weights, "weights");
        vocabularies = Map.copyOf(vocabularies);
        check(spec.query(), vocabularies);
        check(spec.candidate(), vocabularies);
        weights.validate(spec);
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

    public StringLookup vocabulary(TowerSpec tower) {
        return vocabularies.get(tower.feature());
    }

    /** The query tower evaluated in plain Java. */
    public Tower javaQueryTower() {
        return new JavaTower(spec.query(), vocabulary(spec.query()), weights);
    }

    /** The candidate tower evaluated in plain Java. */
    public Tower javaCandidateTower() {
        return new JavaTower(spec.candidate(), vocabulary(spec.candidate()), weights);
    }
}
