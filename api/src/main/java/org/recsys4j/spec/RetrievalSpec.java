package org.recsys4j.spec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** A two-tower retrieval model as declared: query tower, candidate tower, and the task's options. */
public record RetrievalSpec(TowerSpec query, TowerSpec candidate, RetrievalTaskSpec task) {
    public RetrievalSpec {
        Objects.requireNonNull(query, "query tower");
        Objects.requireNonNull(candidate, "candidate tower");
        task = task == null ? RetrievalTaskSpec.defaults() : task;
        if (query.outputDim() != candidate.outputDim()) {
            throw new IllegalArgumentException("the query tower gives " + query.outputDim()
                    + "-dimensional embeddings but the candidate tower gives " + candidate.outputDim());
        }
        if ((query.outputBias() == OutputBias.LEARNED) || (candidate.outputBias() == OutputBias.ONE)
                || ((query.outputBias() == OutputBias.ONE) != (candidate.outputBias() == OutputBias.LEARNED))) {
            throw new IllegalArgumentException("a per-candidate bias is a learned column on the candidate tower and"
                    + " the constant 1 on the query tower; got " + query.outputBias() + " and "
                    + candidate.outputBias());
        }
        if (!candidate.contextFeatures().isEmpty()) {
            // an index holds one embedding per candidate: its features must follow from its id
            throw new IllegalArgumentException("the candidate tower cannot read context features ("
                    + candidate.contextFeatures().get(0).name() + "): give them as features derived from the id");
        }
        if (query.name().equals(candidate.name())) {
            throw new IllegalArgumentException("the two towers need different names, both are '" + query.name() + "'");
        }
    }

    /** This spec with a learned per-candidate score bias (TFRS-style towers keep dot-product scoring). */
    public RetrievalSpec withCandidateBias() {
        return new RetrievalSpec(query.withOutputBias(OutputBias.ONE), candidate.withOutputBias(OutputBias.LEARNED),
                task);
    }

    /** Every weight's shape, by name: the query tower's, then the candidate tower's. */
    public Map<String, int[]> weightShapes() {
        Map<String, int[]> all = new LinkedHashMap<>(query.weightShapes());
        all.putAll(candidate.weightShapes());
        return all;
    }
}
