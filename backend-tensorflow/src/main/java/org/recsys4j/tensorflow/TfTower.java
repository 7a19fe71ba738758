package org.recsys4j.tensorflow;

import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Tower;
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
    private final Operand<TFloat32> output;

    TfTower(TowerSpec spec, StringLookup vocabulary, Session session, Placeholder<TInt32> rows,
            Operand<TFloat32> output) {
        this.spec = spec;
        this.vocabulary = vocabulary;
        this.session = session;
        this.rows = rows;
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
        Embeddings.checkRows(indices, spec.vocabularySize());
        try (TInt32 in = Tensors.rows(indices);
                Result result = session.runner().feed(rows, in).fetch(output).run()) {
            return Tensors.embeddings(result.get(0));
        }
    }
}
