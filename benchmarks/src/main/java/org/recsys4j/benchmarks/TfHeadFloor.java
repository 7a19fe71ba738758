package org.recsys4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;

/**
 * A ranking head's dense products alone, as TensorFlow runs them: {@code widths} layers forward
 * ({@code X W}) and backward (each kernel's gradient {@code X^T G} and each input's {@code G W^T}),
 * on constant random matrices, in one session run. The floor of the TensorFlow trainer's ranking
 * step: the same products with TensorFlow's own kernels and threads. In {@code chunks} row chunks
 * (as the trainer cuts its batch) each product runs once per chunk, and each kernel's gradient is
 * the sum of its chunks'; {@code config} sets the session's threads ({@code null}: TensorFlow's
 * default).
 */
final class TfHeadFloor implements AutoCloseable {
    private final Graph graph = new Graph();
    private final Session session;
    private final Operand<TFloat32> products;
    private final List<Op> initializers = new ArrayList<>();

    TfHeadFloor(int n, int[] widths) {
        this(n, widths, 1, null);
    }

    TfHeadFloor(int n, int[] widths, int chunks, org.tensorflow.proto.ConfigProto config) {
        Ops tf = Ops.create(graph);
        List<Operand<TFloat32>> all = new ArrayList<>();
        long seed = 1;
        for (int l = 0; l + 1 < widths.length; l++) {
            Operand<TFloat32> w = random(tf, widths[l], widths[l + 1], seed++);
            List<Operand<TFloat32>> kernelGradients = new ArrayList<>();
            for (int c = 0; c < chunks; c++) {
                int rows = n * (c + 1) / chunks - n * c / chunks;
                Operand<TFloat32> x = random(tf, rows, widths[l], seed++);
                Operand<TFloat32> g = random(tf, rows, widths[l + 1], seed++);
                all.add(tf.linalg.matMul(x, w));
                kernelGradients.add(tf.linalg.matMul(x, g, MatMul.transposeA(true)));
                all.add(tf.linalg.matMul(g, w, MatMul.transposeB(true)));
            }
            all.add(chunks == 1 ? kernelGradients.get(0) : tf.math.addN(kernelGradients));
        }
        // one element of each product, summed and fetched: every product must run whole, and a
        // target with only control inputs let Grappler prune them (0.07 ms a run)
        Operand<TFloat32> sum = tf.constant(0f);
        for (Operand<TFloat32> p : all) {
            sum = tf.math.add(sum, tf.reshape(tf.slice(p, tf.constant(new int[] {0, 0}), tf.constant(new int[] {1, 1})),
                    tf.constant(new int[0])));
        }
        products = sum;
        session = config == null ? new Session(graph) : new Session(graph, config);
    }

    /** A random matrix kept as a variable, so that no product is folded away as a constant. */
    private Operand<TFloat32> random(Ops tf, int rows, int columns, long seed) {
        var v = tf.variable(org.tensorflow.ndarray.Shape.of(rows, columns), TFloat32.class);
        initializers.add(tf.assign(v, tf.random.randomUniform(tf.constant(new int[] {rows, columns}), TFloat32.class,
                org.tensorflow.op.random.RandomUniform.seed(seed))));
        return v;
    }

    void initialize() {
        Session.Runner r = session.runner();
        initializers.forEach(r::addTarget);
        r.run().close();
    }

    void run() {
        session.runner().fetch(products).run().close();
    }

    @Override
    public void close() {
        session.close();
        graph.close();
    }
}
