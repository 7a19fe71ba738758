package org.recsys4j.nd4j;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Features;
import org.recsys4j.model.Tower;
import org.recsys4j.model.TowerInputs;
import org.recsys4j.spi.CloseGuard;
import org.recsys4j.vocab.StringLookup;

/** A tower's forward pass on ND4J at its net's current weights. */
final class Nd4jTower implements Tower {
    private static final WorkspaceConfiguration FORWARD = WorkspaceConfiguration.builder()
            .initialSize(0).policyLearning(LearningPolicy.FIRST_LOOP)
            .policyAllocation(AllocationPolicy.OVERALLOCATE).overallocationLimit(0.25)
            .policySpill(SpillPolicy.REALLOCATE).build();

    private final TowerNet net;
    private final StringLookup vocabulary;
    private final String workspace = "recsys4j-nd4j-tower-" + System.identityHashCode(this);
    private final CloseGuard owner;

    /** @param owner the trainer's or inference's state: once it is closed, the net's memory is freed */
    Nd4jTower(TowerNet net, StringLookup vocabulary, CloseGuard owner) {
        this.net = net;
        this.vocabulary = vocabulary;
        this.owner = owner;
    }

    @Override
    public String feature() {
        return net.spec.feature();
    }

    @Override
    public int dimension() {
        return net.spec.outputDim();
    }

    @Override
    public StringLookup vocabulary() {
        return vocabulary;
    }

    @Override
    public Embeddings embedIndices(int[] rows) {
        return embedIndices(rows, Features.none());
    }

    /** Context features the caller does not give read their OOV row (a numeric one 0), as in the Java tower. */
    @Override
    public Embeddings embedIndices(int[] rows, Features context) {
        owner.check();
        if (net.kernels.length == 0) {
            // an embedding-only tower is its input layer, a sum of gathers: no native work at all
            float[] x = TowerInputs.sum(net.spec, net.tables, rows, context);
            return new Embeddings(x, rows.length, net.spec.embeddingDim());
        }
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(FORWARD, workspace)) {
            float[] out = net.forward(rows, context).values();
            return new Embeddings(out, rows.length, net.spec.outputDim());
        }
    }
}
