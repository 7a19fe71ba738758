package org.recsys4j.tensorflow;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.task.DeduplicatedBatch;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The Retrieval task's part of a model graph: its towers' passes over a batch's distinct rows, the
 * in-batch softmax loss ({@link RetrievalLossGraph}) and its regularization, with the placeholders
 * a {@link DeduplicatedBatch} feeds.
 */
final class RetrievalTaskGraph {
    private static final int PAD = 256;
    /** log(0) stand-in: exp() of it is exactly 0 in float, with no inf - inf anywhere. */
    static final float EMPTY_LOG_COUNT = -1e30f;
    /**
     * The softmax's query row blocks ({@link BlockedSoftmaxGraph}): blocks of about BLOCK_ROWS rows
     * (256 rows of ~5,500 candidates are 5.6 MB of scores), at most BLOCKS of them. A block left
     * empty still runs its dozen ops and adds a zero share of dC; 8 blocks (846 rows each at 5M)
     * took less CPU than 16 in an A/B at 5M, and leave 5 rather than 13 empty at 100k.
     */
    static final int BLOCKS = 8;
    static final int BLOCK_ROWS = 256;

    final RetrievalSpec spec;
    final Placeholder<TInt32> queryRows;
    final Map<String, Placeholder<?>> queryContext = new LinkedHashMap<>();
    final Placeholder<TInt32> candidateRows;
    private final Placeholder<TFloat32> logCounts;
    private final Placeholder<TFloat32> queryWeights;
    /** Per example, its query's row in {@link #queryOut} and its candidate's in {@link #candidateOut}. */
    final Placeholder<TInt32> pairQuery;
    final Placeholder<TInt32> pairCandidate;
    private final Placeholder<TFloat32> pairWeights;
    private final Placeholder<TFloat32> positiveLogProbability;
    private final Placeholder<TFloat32> queryCounts;
    private final Placeholder<TFloat32> candidateCounts;
    private final Placeholder<TFloat32> accidentalHitWeights;
    /** The rows of each query block, when the softmax is built in blocks; else null. */
    private final Placeholder<TInt32> blockSizes;
    final Operand<TFloat32> queryOut;
    final Operand<TFloat32> candidateOut;
    /** The loss (the logQ correction's constant share included). */
    final Operand<TFloat32> loss;
    /**
     * What the trainer differentiates: the loss, plus, when its softmax is built in blocks, a term
     * whose value is exactly 0 and that carries the loss's written-out gradients.
     */
    final Operand<TFloat32> trainedLoss;
    /**
     * The loss's gradients with respect to {@link #queryOut} and {@link #candidateOut} as the loss
     * graph writes them out (its softmax in blocks), or null when TensorFlow derives them.
     */
    final Operand<TFloat32> gradQ;
    final Operand<TFloat32> gradC;
    /**
     * With the softmax in blocks, {@link #loss}, {@link #gradQ} and {@link #gradC} from the first k
     * query blocks alone, at index k - 1: the same values when the other blocks are empty
     * ({@link BlockedSoftmaxGraph#lossOfFirst}); else empty.
     */
    final java.util.List<Operand<TFloat32>> lossOfFirst = new java.util.ArrayList<>();
    final java.util.List<Operand<TFloat32>> gradQOfFirst;
    final java.util.List<Operand<TFloat32>> gradCOfFirst;
    /**
     * The same three with the softmax from shifted logits, and whether each is exact
     * ({@link BlockedSoftmaxGraph#exactOfFirst}); empty where the softmax is not in blocks.
     */
    final java.util.List<Operand<TFloat32>> shiftedLossOfFirst = new java.util.ArrayList<>();
    final java.util.List<Operand<TFloat32>> shiftedGradQOfFirst;
    final java.util.List<Operand<TFloat32>> shiftedGradCOfFirst;
    final java.util.List<Operand<org.tensorflow.types.TBool>> exactOfFirst;
    /** The per-example L2 penalty, part of the trained total. */
    final Operand<TFloat32> perExample;
    /** Everything reported as regularization_loss: the per-example and the per-table L2. */
    final Operand<TFloat32> regularization;
    /** The weights under the per-table L2, whose gradient {@code 2 l2 W} the trainer adds by hand. */
    final Set<String> tableRegularized = new java.util.HashSet<>();

    RetrievalTaskGraph(Ops tf, RetrievalSpec spec, TowerGraph query, TowerGraph candidate,
            Map<String, Variable<TFloat32>> variables) {
        this.spec = spec;
        queryRows = tf.withName("query_rows").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
        candidateRows = tf.withName("candidate_rows").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
        logCounts = vector(tf, "candidate_log_counts", TFloat32.class);
        queryWeights = vector(tf, "query_weights", TFloat32.class);
        pairQuery = vector(tf, "pair_query", TInt32.class);
        pairCandidate = vector(tf, "pair_candidate", TInt32.class);
        pairWeights = vector(tf, "pair_weights", TFloat32.class);
        positiveLogProbability = tf.withName("positive_log_probability").placeholder(TFloat32.class,
                Placeholder.shape(Shape.scalar()));
        queryCounts = vector(tf, "query_counts", TFloat32.class);
        candidateCounts = vector(tf, "candidate_counts", TFloat32.class);
        accidentalHitWeights = vector(tf, "accidental_hit_weights", TFloat32.class);
        blockSizes = RetrievalLossGraph.blocked(spec.task()) ? vector(tf, "block_sizes", TInt32.class) : null;
        queryContext.putAll(TowerGraph.contextPlaceholders(tf, spec.query(), "query_"));
        queryOut = query.forward(tf, queryRows, queryContext);
        candidateOut = candidate.forward(tf, candidateRows);
        RetrievalLossGraph lossGraph = new RetrievalLossGraph(spec.task(), queryOut, candidateOut, logCounts,
                queryWeights, pairQuery, pairCandidate, pairWeights, accidentalHitWeights, candidateRows, blockSizes,
                BLOCKS);
        // the logQ correction's share of the positives' logits is a constant of the batch
        loss = tf.withName("loss").math.add(lossGraph.build(tf), positiveLogProbability);
        gradQ = lossGraph.gradQ;
        gradC = lossGraph.gradC;
        gradQOfFirst = lossGraph.gradQOfFirst;
        gradCOfFirst = lossGraph.gradCOfFirst;
        for (int k = 0; k < lossGraph.lossOfFirst.size(); k++) {
            lossOfFirst.add(k == BLOCKS - 1 ? loss : tf.math.add(lossGraph.lossOfFirst.get(k), positiveLogProbability));
            shiftedLossOfFirst.add(tf.math.add(lossGraph.shiftedLossOfFirst.get(k), positiveLogProbability));
        }
        shiftedGradQOfFirst = lossGraph.shiftedGradQOfFirst;
        shiftedGradCOfFirst = lossGraph.shiftedGradCOfFirst;
        exactOfFirst = lossGraph.exactOfFirst;
        if (lossGraph.gradQ != null) {
            // the loss's written-out gradients enter TensorFlow's backward pass through a term
            // whose gradient is dQ for queryOut and dC for candidateOut; a test step never computes them
            Operand<TFloat32> seeds = tf.math.add(dot(tf, queryOut, lossGraph.gradQ),
                    dot(tf, candidateOut, lossGraph.gradC));
            trainedLoss = tf.math.add(loss, tf.math.sub(seeds, tf.stopGradient(seeds)));
        } else {
            trainedLoss = loss;
        }
        // l2 * sum_i |q_i|^2 + |c_i|^2 over the examples: each distinct row weighted by its count; a
        // constant 0 without per-example L2 (its squares were a pass over every row the step reports)
        Operand<TInt32> rowsAxis = tf.constant(1);
        Operand<TInt32> all = tf.constant(0);
        perExample = spec.task().l2PerExample() == 0 ? tf.withName("regularization_per_example").constant(0f)
                : tf.withName("regularization_per_example").math.mul(
                tf.constant((float) spec.task().l2PerExample()),
                tf.math.add(
                        tf.reduceSum(tf.math.mul(tf.reduceSum(tf.math.square(queryOut), rowsAxis), queryCounts), all),
                        tf.reduceSum(tf.math.mul(tf.reduceSum(tf.math.square(candidateOut), rowsAxis),
                                candidateCounts), all)));
        Operand<TFloat32> reg = perExample;
        // Keras-style regularizers: l2 * sum W^2 on each table and kernel. Its gradient, 2 l2 W, is
        // added by hand (the C API's symbolic gradient of it crashed on reference variables).
        if (spec.task().l2PerTable() > 0) {
            Operand<TFloat32> tables = tf.constant(0f);
            for (String name : org.recsys4j.task.Retrieval.regularizedWeights(spec)) {
                // every regularized weight is a matrix (a table or a kernel)
                tables = tf.math.add(tables, tf.reduceSum(tf.math.square(variables.get(name)),
                        tf.constant(new int[] {0, 1})));
                tableRegularized.add(name);
            }
            reg = tf.math.add(reg, tf.math.mul(tf.constant((float) spec.task().l2PerTable()), tables));
        }
        regularization = tf.withName("regularization_loss").identity(reg);
    }

    /** {@code sum(x . g)}, with no gradient through {@code g}. */
    private static Operand<TFloat32> dot(Ops tf, Operand<TFloat32> x, Operand<TFloat32> g) {
        return tf.reduceSum(tf.math.mul(x, tf.stopGradient(g)), tf.constant(new int[] {0, 1}));
    }

    private static <T extends org.tensorflow.types.family.TType> Placeholder<T> vector(Ops tf, String name,
            Class<T> type) {
        return tf.withName(name).placeholder(type, Placeholder.shape(Shape.of(-1)));
    }

    /**
     * Feeds the batch's distinct rows and pairs; returns how many query blocks hold rows (all of
     * them when the softmax is not in blocks). XLA compiles one program per shape; with
     * {@code padShapes} the distinct rows are padded to a multiple of 256 so that the number of
     * shapes stays small: padded rows weigh nothing and padded columns have count 0.
     */
    int feed(Session.Runner runner, DeduplicatedBatch b, boolean padShapes, java.util.List<Tensor> owned) {
        int[] rows = b.queryRows();
        int[] columns = b.candidateRows();
        float[] columnLogWeight = b.columnLogWeight();
        int u = padShapes ? roundUp(rows.length) : rows.length;
        int c = padShapes ? roundUp(columns.length) : columns.length;
        float[] log = columnLogWeight;
        if (c > log.length) {
            log = java.util.Arrays.copyOf(columnLogWeight, c);
            java.util.Arrays.fill(log, columnLogWeight.length, c, EMPTY_LOG_COUNT);
        }
        for (var f : spec.query().contextFeatures()) {
            // padded rows read row 0, or the value 0
            runner.feed(queryContext.get(f.name()), own(owned, TowerGraph.contextTensor(f, b.queryContext(),
                    rows.length, u)));
        }
        runner.feed(queryRows, own(owned, Tensors.rows(padded(rows, u))))
                .feed(candidateRows, own(owned, Tensors.rows(padded(columns, c))))
                .feed(logCounts, own(owned, Tensors.vector(log)))
                .feed(queryWeights, own(owned, Tensors.vector(padded(b.queryWeight(), u))))
                .feed(pairQuery, own(owned, Tensors.rows(b.queryOf())))
                .feed(pairCandidate, own(owned, Tensors.rows(b.candidateOf())))
                .feed(pairWeights, own(owned, Tensors.vector(b.exampleWeight())))
                .feed(positiveLogProbability, own(owned, TFloat32.scalarOf((float) b.positiveLogProbability())))
                .feed(queryCounts, own(owned, Tensors.vector(padded(b.queryCount(), u))))
                .feed(candidateCounts, own(owned, Tensors.vector(padded(b.candidateCount(), c))))
                .feed(accidentalHitWeights, own(owned, Tensors.vector(b.accidentalHitWeight())));
        if (blockSizes == null) {
            return BLOCKS;
        }
        int[] sizes = BlockedSoftmaxGraph.sizes(u, BLOCKS, BLOCK_ROWS);
        runner.feed(blockSizes, own(owned, Tensors.rows(sizes)));
        return BlockedSoftmaxGraph.used(sizes);
    }

    private static int[] padded(int[] values, int n) {
        return values.length == n ? values : java.util.Arrays.copyOf(values, n);
    }

    private static float[] padded(float[] values, int n) {
        return values.length == n ? values : java.util.Arrays.copyOf(values, n);
    }

    private static int roundUp(int n) {
        return (n + PAD - 1) / PAD * PAD;
    }

    static <T extends Tensor> T own(java.util.List<Tensor> owned, T t) {
        owned.add(t);
        return t;
    }
}
