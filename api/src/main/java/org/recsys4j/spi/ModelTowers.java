package org.recsys4j.spi;

import java.util.Map;
import org.recsys4j.model.Tower;
import org.recsys4j.spec.ModelSpec;
import org.recsys4j.spec.RetrievalTask;

/** A compiled model's towers by name, and the two its Retrieval task reads: what trainers answer towers with. */
public record ModelTowers(ModelSpec spec, Map<String, Tower> towers) {
    public ModelTowers {
        towers = Map.copyOf(towers);
    }

    /** The tower {@code name}; an error listing the towers if there is none. */
    public Tower get(String name) {
        Tower t = towers.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tower named '" + name + "'; the model's towers are "
                    + spec.towers().stream().map(x -> x.name()).toList());
        }
        return t;
    }

    /** The Retrieval task's query tower ({@code query}) or candidate tower. */
    public Tower retrieval(boolean query) {
        RetrievalTask r = spec.retrievalTask();
        if (r == null) {
            throw new UnsupportedOperationException("this model has no Retrieval task, so no query or candidate tower;"
                    + " its towers are " + spec.towers().stream().map(x -> x.name()).toList());
        }
        return towers.get(query ? r.queryTower() : r.candidateTower());
    }
}
