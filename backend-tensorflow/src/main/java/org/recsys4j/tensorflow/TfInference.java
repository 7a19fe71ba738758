package org.recsys4j.tensorflow;

import java.util.ArrayList;
import java.util.List;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.model.Tower;
import org.recsys4j.spi.CloseGuard;
import org.recsys4j.spi.Inference;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** A bundle's two towers as a TensorFlow graph, for inference only (no optimizer state). */
final class TfInference implements Inference {
    private final Graph graph;
    private final Session session;
    private final TfTower query;
    private final TfTower candidate;
    private final CloseGuard guard = new CloseGuard("this TensorFlow inference");

    TfInference(ModelBundle bundle, SessionConfig config) {
        graph = new Graph();
        try {
            Ops tf = Ops.create(graph);
            if (config.deviceSpec() != null) {
                tf = tf.withDevice(config.deviceSpec());
            }
            TowerGraph q = new TowerGraph(tf, bundle.spec().query());
            TowerGraph c = new TowerGraph(tf, bundle.spec().candidate());
            Placeholder<TInt32> qRows = tf.withName("query_rows").placeholder(TInt32.class,
                    Placeholder.shape(Shape.of(-1)));
            Placeholder<TInt32> cRows = tf.withName("candidate_rows").placeholder(TInt32.class,
                    Placeholder.shape(Shape.of(-1)));
            java.util.Map<String, Placeholder<?>> qContext = TowerGraph.contextPlaceholders(tf, bundle.spec().query(),
                    "query_");
            Operand<TFloat32> qOut = q.forward(tf, qRows, qContext);
            Operand<TFloat32> cOut = c.forward(tf, cRows);
            session = new Session(graph, config.proto());
            List<Tensor> owned = new ArrayList<>();
            try {
                Session.Runner init = session.runner();
                q.feedInitial(init, bundle.weights(), owned);
                c.feedInitial(init, bundle.weights(), owned);
                init.run().close();
            } finally {
                owned.forEach(Tensor::close);
            }
            query = new TfTower(bundle.spec().query(), bundle.vocabulary(bundle.spec().query()), session,
                    qRows, qContext,
                    qOut, guard);
            candidate = new TfTower(bundle.spec().candidate(), bundle.vocabulary(bundle.spec().candidate()), session,
                    cRows, java.util.Map.of(), cOut, guard);
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    @Override
    public Tower queryTower() {
        return query;
    }

    @Override
    public Tower candidateTower() {
        return candidate;
    }

    @Override
    public void close() {
        if (!guard.close()) {
            return;
        }
        try {
            session.close();
        } finally {
            graph.close();
        }
    }
}
