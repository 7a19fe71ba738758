package org.recsys4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * {@link CollapsedFloor}'s work in TensorFlow's own kernels: the TensorFlow trainer's floor. For
 * each batch's u distinct queries and c distinct candidates, the logits {@code Q C^T}, their exp
 * S, {@code dQ = S C} and {@code dC = S^T Q}, in one session run, with the query rows cut in
 * {@link Blocks} (the blocks' dC summed as the trainer's {@code BlockedSoftmaxGraph} sums them),
 * the exp by either of TensorFlow's kernels that make it ({@link Exp}).
 *
 * <p>Q and C are variables of the largest batch's rows, each step reading its first u and c rows
 * (an aligned slice of the first dimension shares the variable's buffer): the trainer gathers its
 * rows from its tables in the graph, so a floor fed whole matrices would pay for copies the trainer
 * does not make. Only the two row counts and the block sizes are fed. The run fetches one element of
 * each dQ block and of dC, summed, so that every product runs whole (TfHeadFloor's reason).
 *
 * <p>Threads: TensorFlow sizes one process-wide intra-op pool from its first session, whatever later
 * sessions ask for, unless {@code TF_OVERRIDE_GLOBAL_THREADPOOL=true} is set before it loads
 * ({@link #ownIntraOpPools}; {@code benchmarks/scaling.sh} sets it). The inter-op pool is the
 * session's own here ({@code use_per_session_threads}).
 */
final class TfCollapsedFloor implements AutoCloseable {
    /** As the TensorFlow trainer's {@code RetrievalTaskGraph.BLOCKS} and {@code BLOCK_ROWS}. */
    static final int MAX_BLOCKS = 8;
    static final int BLOCK_ROWS = 256;

    /** How the query rows are cut into blocks that TensorFlow's inter-op threads run side by side. */
    enum Blocks {
        /** One block: each product over the whole u x c matrix, threaded inside the kernels. */
        WHOLE_MATRIX,
        /**
         * As the trainer cuts them ({@code BlockedSoftmaxGraph.sizes}): blocks of about
         * {@link #BLOCK_ROWS} rows, at least two, at most {@link #MAX_BLOCKS}; none empty here.
         */
        TRAINERS;

        /** The rows of each block of {@code u} query rows, none empty. */
        int[] sizes(int u) {
            int wanted = switch (this) {
                case WHOLE_MATRIX -> 1;
                case TRAINERS -> Math.min(MAX_BLOCKS, Math.max(2, (u + BLOCK_ROWS - 1) / BLOCK_ROWS));
            };
            int k = Math.max(1, Math.min(wanted, u));
            int rows = (u + k - 1) / k;
            int[] sizes = new int[(u + rows - 1) / rows];
            for (int b = 0; b < sizes.length; b++) {
                sizes[b] = Math.min(rows, u - b * rows);
            }
            return sizes;
        }
    }

    /**
     * The kernel that exponentiates the scores. TensorFlow's own {@code Exp} (Eigen, built for AVX
     * only) took 3.3 ms at 650 x 5,386 where oneDNN's softmax, which the trainer uses, took 1.7 ms
     * (traced, one block, load 2.7-6); a floor held to the slower kernel would flatter the trainer,
     * so the softmax is a way too: more arithmetic (its row maxima, sums and divisions), less time,
     * and still work the trainer does.
     */
    enum Exp {
        /** {@code tf.math.exp}: the exp alone. */
        EXP,
        /** {@code tf.nn.softmax}: oneDNN's kernel, the exp normalised by its row sums. */
        SOFTMAX
    }

    private final CollapsedShapes shapes;
    private final Graph graph = new Graph();
    private final Session session;
    private final Placeholder<TInt32> queryShape;
    private final Placeholder<TInt32> candidateShape;
    private final Placeholder<TInt32> blockSizes;
    /** By block count k and exp at {@link #index}: what a timed run fetches, and dQ and dC whole. */
    private final List<Operand<TFloat32>> probes = new ArrayList<>();
    private final List<Operand<TFloat32>> dQs = new ArrayList<>();
    private final List<Operand<TFloat32>> dCs = new ArrayList<>();

    /**
     * @param intraOpThreads the session's intra-op threads, 0 for TensorFlow's default
     * @param interOpThreads its inter-op threads, 0 for TensorFlow's default
     */
    TfCollapsedFloor(CollapsedShapes shapes, int intraOpThreads, int interOpThreads) {
        this.shapes = shapes;
        int dim = shapes.dim();
        Session s = null;
        try {
            Ops tf = Ops.create(graph);
            queryShape = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(2)));
            candidateShape = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(2)));
            blockSizes = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
            Placeholder<TFloat32> qInit = tf.placeholder(TFloat32.class);
            Placeholder<TFloat32> cInit = tf.placeholder(TFloat32.class);
            Variable<TFloat32> qAll = tf.variable(Shape.of(shapes.maxQueries(), dim), TFloat32.class);
            Variable<TFloat32> cAll = tf.variable(Shape.of(shapes.maxCandidates(), dim), TFloat32.class);
            var qAssign = tf.assign(qAll, qInit);
            var cAssign = tf.assign(cAll, cInit);
            Operand<TInt32> origin = tf.constant(new int[] {0, 0});
            Operand<TFloat32> q = tf.slice(qAll, origin, queryShape);
            Operand<TFloat32> c = tf.slice(cAll, origin, candidateShape);
            Operand<TInt32> rowsAxis = tf.constant(0);
            for (int i = 0; i < MAX_BLOCKS * Exp.values().length; i++) {
                int k = i / Exp.values().length + 1;
                Exp exp = Exp.values()[i % Exp.values().length];
                List<? extends Operand<TFloat32>> qBlocks = k == 1 ? List.of(q)
                        : tf.splitV(q, blockSizes, rowsAxis, (long) k).output();
                Operand<TFloat32> probe = null;
                List<Operand<TFloat32>> dQ = new ArrayList<>();
                List<Operand<TFloat32>> dC = new ArrayList<>();
                for (Operand<TFloat32> qb : qBlocks) {
                    Operand<TFloat32> logits = tf.linalg.matMul(qb, c, MatMul.transposeB(true));
                    Operand<TFloat32> scores = exp == Exp.EXP ? tf.math.exp(logits) : tf.nn.softmax(logits);
                    dQ.add(tf.linalg.matMul(scores, c));
                    dC.add(tf.linalg.matMul(scores, qb, MatMul.transposeA(true)));
                    probe = plus(tf, probe, first(tf, dQ.get(dQ.size() - 1)));
                }
                Operand<TFloat32> dCSum = k == 1 ? dC.get(0) : tf.math.addN(dC);
                probes.add(plus(tf, probe, first(tf, dCSum)));
                dQs.add(k == 1 ? dQ.get(0) : tf.concat(dQ, rowsAxis));
                dCs.add(dCSum);
            }
            ConfigProto.Builder config = ConfigProto.newBuilder().setUsePerSessionThreads(true);
            s = new Session(graph, config.setIntraOpParallelismThreads(intraOpThreads)
                    .setInterOpParallelismThreads(interOpThreads).build());
            try (TFloat32 qValues = matrix(shapes.queryRows(), shapes.maxQueries(), dim);
                    TFloat32 cValues = matrix(shapes.candidateRows(), shapes.maxCandidates(), dim)) {
                s.runner().feed(qInit, qValues).feed(cInit, cValues).addTarget(qAssign).addTarget(cAssign).run()
                        .close();
            }
            session = s;
        } catch (RuntimeException e) {
            if (s != null) {
                s.close();
            }
            graph.close();
            throw e;
        }
    }

    /**
     * Whether each session gets the intra-op threads it asks for: only with
     * {@code TF_OVERRIDE_GLOBAL_THREADPOOL} true (TensorFlow reads it once); otherwise every session
     * shares the pool sized by the process's first one (the trainer's, in the scaling benchmark).
     */
    static boolean ownIntraOpPools() {
        String v = System.getenv("TF_OVERRIDE_GLOBAL_THREADPOOL");
        return v != null && (v.equalsIgnoreCase("true") || v.equals("1"));
    }

    private static TFloat32 matrix(float[] values, int rows, int dim) {
        return TFloat32.tensorOf(Shape.of(rows, dim), DataBuffers.of(values, true, false));
    }

    /** {@code x[0, 0]} as a scalar. */
    private static Operand<TFloat32> first(Ops tf, Operand<TFloat32> x) {
        return tf.reshape(tf.slice(x, tf.constant(new int[] {0, 0}), tf.constant(new int[] {1, 1})),
                tf.constant(new int[0]));
    }

    private static Operand<TFloat32> plus(Ops tf, Operand<TFloat32> a, Operand<TFloat32> b) {
        return a == null ? b : tf.math.add(a, b);
    }

    private static int index(int blocks, Exp exp) {
        return (blocks - 1) * Exp.values().length + exp.ordinal();
    }

    /** Seconds for the products and exp of the first {@code batches} batches (all at most), cut and made so. */
    double seconds(Blocks blocks, Exp exp, int batches) {
        int n = Math.min(batches, shapes.batches());
        long start = System.nanoTime();
        for (int b = 0; b < n; b++) {
            run(blocks, exp, b, false).close();
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Batch {@code b}'s timed run: the sum of each dQ block's first element and dC's. */
    float probe(Blocks blocks, Exp exp, int b) {
        try (Result r = run(blocks, exp, b, false)) {
            return ((TFloat32) r.get(0)).getFloat();
        }
    }

    /** Batch {@code b}'s dQ (u x dim) and dC (c x dim), row-major, to check against {@link CollapsedFloor}'s. */
    float[][] gradients(Blocks blocks, Exp exp, int b) {
        try (Result r = run(blocks, exp, b, true)) {
            return new float[][] {floats((TFloat32) r.get(0)), floats((TFloat32) r.get(1))};
        }
    }

    private Result run(Blocks blocks, Exp exp, int b, boolean whole) {
        int u = shapes.queries()[b];
        int[] sizes = blocks.sizes(u);
        int i = index(sizes.length, exp);
        try (TInt32 qs = TInt32.vectorOf(u, shapes.dim()); TInt32 cs = TInt32.vectorOf(shapes.candidates()[b],
                shapes.dim()); TInt32 bs = TInt32.vectorOf(sizes)) {
            Session.Runner r = session.runner().feed(queryShape, qs).feed(candidateShape, cs);
            if (sizes.length > 1) {
                r.feed(blockSizes, bs);
            }
            return whole ? r.fetch(dQs.get(i)).fetch(dCs.get(i)).run() : r.fetch(probes.get(i)).run();
        }
    }

    private static float[] floats(TFloat32 t) {
        float[] out = new float[Math.toIntExact(t.size())];
        t.copyTo(DataBuffers.of(out, false, false));
        return out;
    }

    @Override
    public void close() {
        try {
            session.close();
        } finally {
            graph.close();
        }
    }
}
