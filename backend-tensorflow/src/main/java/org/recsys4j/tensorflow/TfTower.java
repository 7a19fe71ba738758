package org.recsys4j.tensorflow;

import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Features;
import org.recsys4j.model.Tower;
import org.recsys4j.spi.CloseGuard;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.vocab.StringLookup;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** A tower's forward pass in a live TensorFlow session; valid while that session is open. */
final class TfTower implements Tower {
    private final TowerSpec spec;
    private final StringLookup vocabulary;
    private final Session session;
    private final Placeholder<TInt32> rows;
    private final java.util.Map<String, Placeholder<?>> context;
    private final Operand<TFloat32> output;
    private final CloseGuard owner;

    /** @param owner the state of the trainer or inference whose session this is */
    TfTower(TowerSpec spec, StringLookup vocabulary, Session session, Placeholder<TInt32> rows,
            java.util.Map<String, Placeholder<?>> context, Operand<TFloat32> output, CloseGuard owner) {
        this.owner = owner;
        this.spec = spec;
        this.vocabulary = vocabulary;
        this.session = session;
        this.rows = rows;
        this.context = java.util.Map.copyOf(context);
        this.output = output;
    }

    @Override
    public String feature() {
        return spec.feature();
    }

    @Override
    public int dimension() {
        return spec.outputDim();
    }

    @Override
    public StringLookup vocabulary() {
        return vocabulary;
    }

    @Override
    public Embeddings embedIndices(int[] indices) {
        return embedIndices(indices, Features.none());
    }

    /** Context features the caller does not give read their OOV row, numeric ones 0. */
    @Override
    public Embeddings embedIndices(int[] indices, Features values) {
        owner.check();
        Embeddings.checkRows(indices, spec.vocabularySize());
        java.util.List<org.tensorflow.Tensor> owned = new java.util.ArrayList<>();
        try {
            TInt32 in = Tensors.rows(indices);
            owned.add(in);
            Session.Runner runner = session.runner().feed(rows, in);
            for (var f : spec.contextFeatures()) {
                org.tensorflow.Tensor t = TowerGraph.contextTensor(f, values, indices.length, indices.length);
                owned.add(t);
                runner.feed(context.get(f.name()), t);
            }
            try (Result result = runner.fetch(output).run()) {
                return Tensors.embeddings(result.get(0));
            }
        } finally {
            owned.forEach(org.tensorflow.Tensor::close);
        }
    }
}
