package org.recsys4j.tensorflow;

import org.recsys4j.spec.RetrievalTaskSpec;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceMax;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The in-batch softmax loss as a graph, over query rows and candidate columns in the form of
 * {@code DeduplicatedBatch}: {@code sum_i w_i (log Z_i - S(q_i, c_i))}, with the columns' log
 * weights added to the logits. Fed one row per example with unit weights it is the plain TFRS
 * loss; collapsed, the same value from a far smaller matrix. The logQ correction's constant share
 * of the positives is added by the caller. Without hard negatives or accidental hits removed, and
 * given block sizes, the softmax part is built in row blocks ({@link BlockedSoftmaxGraph}) and the
 * positives' part as sparse products, all with their gradients written out; otherwise over the
 * whole matrix, differentiated by TensorFlow.
 */
final class RetrievalLossGraph {
    /** Added to a masked logit: far below any real one, and still finite in float. */
    private static final float MASKED = -1e30f;

    private final RetrievalTaskSpec task;
    private final Operand<TFloat32> q;
    private final Operand<TFloat32> c;
    private final Operand<TFloat32> columnLogWeights;
    private final Operand<TFloat32> rowWeights;
    private final Operand<TInt32> pairQuery;
    private final Operand<TInt32> pairCandidate;
    private final Operand<TFloat32> pairWeights;
    private final Operand<TFloat32> accidentalHitWeights;
    private final Operand<TInt32> candidateIds;
    /** The rows of each query block, or null to build the whole-matrix form. */
    private final Operand<TInt32> blockSizes;
    private final int blocks;
    /**
     * When the softmax part was built in blocks: the gradients of the loss with respect to the
     * query and the candidate rows, written out (the returned loss is cut from the gradient), to be
     * seeded into the backward pass. Null when TensorFlow derives them all.
     */
    Operand<TFloat32> gradQ;
    Operand<TFloat32> gradC;
    /**
     * In the blocked form, the returned loss and the two gradients from the first k blocks alone, at
     * index k - 1 ({@link BlockedSoftmaxGraph#lossOfFirst}); else empty.
     */
    final java.util.List<Operand<TFloat32>> lossOfFirst = new java.util.ArrayList<>();
    final java.util.List<Operand<TFloat32>> gradQOfFirst = new java.util.ArrayList<>();
    final java.util.List<Operand<TFloat32>> gradCOfFirst = new java.util.ArrayList<>();
    /**
     * In the blocked form, the same three with the softmax made from shifted logits, and whether
     * each is exact ({@link BlockedSoftmaxGraph#exactOfFirst}); else empty.
     */
    final java.util.List<Operand<TFloat32>> shiftedLossOfFirst = new java.util.ArrayList<>();
    final java.util.List<Operand<TFloat32>> shiftedGradQOfFirst = new java.util.ArrayList<>();
    final java.util.List<Operand<TFloat32>> shiftedGradCOfFirst = new java.util.ArrayList<>();
    final java.util.List<Operand<org.tensorflow.types.TBool>> exactOfFirst = new java.util.ArrayList<>();

    RetrievalLossGraph(RetrievalTaskSpec task, Operand<TFloat32> q, Operand<TFloat32> c,
            Operand<TFloat32> columnLogWeights, Operand<TFloat32> rowWeights, Operand<TInt32> pairQuery,
            Operand<TInt32> pairCandidate, Operand<TFloat32> pairWeights, Operand<TFloat32> accidentalHitWeights,
            Operand<TInt32> candidateIds, Operand<TInt32> blockSizes, int blocks) {
        this.task = task;
        this.q = q;
        this.c = c;
        this.columnLogWeights = columnLogWeights;
        this.rowWeights = rowWeights;
        this.pairQuery = pairQuery;
        this.pairCandidate = pairCandidate;
        this.pairWeights = pairWeights;
        this.accidentalHitWeights = accidentalHitWeights;
        this.candidateIds = candidateIds;
        this.blockSizes = blockSizes;
        this.blocks = blocks;
    }

    /** Whether the task's softmax is built in row blocks ({@link BlockedSoftmaxGraph}). */
    static boolean blocked(org.recsys4j.spec.RetrievalTaskSpec task) {
        return task.numHardNegatives() == 0 && !task.removeAccidentalHits();
    }

    Operand<TFloat32> build(Ops tf) {
        Operand<TInt32> rowsAxis = tf.constant(1);
        float temperature = (float) task.temperature();
        if (blockSizes != null && blocked(task)) {
            Operand<TFloat32> scaledQ = temperature == 1f ? q : tf.math.div(q, tf.constant(temperature));
            BlockedSoftmaxGraph softmax = new BlockedSoftmaxGraph(tf, scaledQ, c, columnLogWeights, rowWeights,
                    temperature, blockSizes, blocks, false);
            BlockedSoftmaxGraph shifted = new BlockedSoftmaxGraph(tf, scaledQ, c, columnLogWeights, rowWeights,
                    temperature, blockSizes, blocks, true);
            PairProducts pairs = new PairProducts(tf, q, c, scaledQ);
            // the positives' term, sum_i w_i S(q_i, c_i) = sum_u (Q/T)_u . (W C)_u; its gradients
            // W C / T and W^T Q / T are the same sums, in the same order, as TensorFlow's derivative of
            // the per-example form (a segment sum of each example's row), without its per-example copies
            Operand<TFloat32> positivesTerm = tf.stopGradient(tf.reduceSum(tf.math.mul(scaledQ, pairs.wc),
                    tf.constant(new int[] {0, 1})));
            Operand<TFloat32> wcOverT = temperature == 1f ? pairs.wc : tf.math.div(pairs.wc, tf.constant(temperature));
            for (int k = 0; k < blocks; k++) {
                lossOfFirst.add(tf.math.sub(softmax.lossOfFirst.get(k), positivesTerm));
                gradQOfFirst.add(tf.math.sub(softmax.gradQOfFirst.get(k), wcOverT));
                gradCOfFirst.add(tf.math.sub(softmax.gradCOfFirst.get(k), pairs.wtq));
                shiftedLossOfFirst.add(tf.math.sub(shifted.lossOfFirst.get(k), positivesTerm));
                shiftedGradQOfFirst.add(tf.math.sub(shifted.gradQOfFirst.get(k), wcOverT));
                shiftedGradCOfFirst.add(tf.math.sub(shifted.gradCOfFirst.get(k), pairs.wtq));
            }
            exactOfFirst.addAll(shifted.exactOfFirst);
            gradQ = gradQOfFirst.get(blocks - 1);
            gradC = gradCOfFirst.get(blocks - 1);
            return lossOfFirst.get(blocks - 1);
        }
        Operand<TFloat32> scores = tf.linalg.matMul(q, c, MatMul.transposeB(true));
        Operand<TFloat32> positives = tf.reduceSum(tf.math.mul(tf.gather(q, pairQuery, tf.constant(0)),
                tf.gather(c, pairCandidate, tf.constant(0))), rowsAxis);
        if (temperature != 1f) {
            Operand<TFloat32> t = tf.constant(temperature);
            scores = tf.math.div(scores, t);
            positives = tf.math.div(positives, t);
        }
        Operand<TFloat32> logits = tf.math.add(scores, columnLogWeights);
        Operand<TFloat32> positivesTerm = sum(tf, tf.math.mul(positives, pairWeights));
        if (task.numHardNegatives() > 0) {
            return tf.math.sub(hardNegatives(tf, logits), positivesTerm);
        }
        // the max only stabilises exp(); its gradient through the two terms cancels exactly
        Operand<TFloat32> max = tf.stopGradient(tf.reduceMax(logits, rowsAxis, ReduceMax.keepDims(true)));
        Operand<TFloat32> sumExp = tf.reduceSum(tf.math.exp(tf.math.sub(logits, max)), rowsAxis);
        Operand<TFloat32> rowMax = tf.reshape(max, tf.constant(new int[] {-1}));
        if (!task.removeAccidentalHits()) {
            Operand<TFloat32> logSumExp = tf.math.add(tf.math.log(sumExp), rowMax);
            return tf.math.sub(sum(tf, tf.math.mul(logSumExp, rowWeights)), positivesTerm);
        }
        // Z_i = Z_u - o_i exp(S_uc): the other occurrences of the example's own candidate leave its softmax
        Operand<TFloat32> exampleMax = tf.gather(rowMax, pairQuery, tf.constant(0));
        Operand<TFloat32> z = tf.math.sub(tf.gather(sumExp, pairQuery, tf.constant(0)),
                tf.math.mul(accidentalHitWeights, tf.math.exp(tf.math.sub(positives, exampleMax))));
        // what is left always holds the positive itself; the floor only guards float cancellation
        z = tf.math.maximum(z, tf.constant(Float.MIN_NORMAL));
        Operand<TFloat32> logZ = tf.math.add(tf.math.log(z), exampleMax);
        return tf.math.sub(sum(tf, tf.math.mul(logZ, pairWeights)), positivesTerm);
    }

    /**
     * The batch's pairs as a sparse matrix W, {@code w_i} at (query row, column) of each example,
     * times the candidate rows ({@code W C}, a row per query) and times the scaled query rows
     * ({@code W^T Q/T}, a row per column). TensorFlow's sparse-dense product adds the pairs' rows in
     * their order, one at a time, into a zeroed output, as the segment sum of a gather's gradient does.
     */
    private final class PairProducts {
        final Operand<TFloat32> wc;
        final Operand<TFloat32> wtq;

        PairProducts(Ops tf, Operand<TFloat32> q, Operand<TFloat32> c, Operand<TFloat32> scaledQ) {
            Operand<TInt32> indices = tf.stack(java.util.List.of(pairQuery, pairCandidate),
                    org.tensorflow.op.core.Stack.axis(1L));
            Operand<TInt32> first = tf.constant(new int[] {0});
            Operand<TInt32> axis = tf.constant(0);
            Operand<TInt64> shape = tf.concat(java.util.List.of(
                    tf.gather(tf.shape(q, TInt64.class), first, axis),
                    tf.gather(tf.shape(c, TInt64.class), first, axis)), axis);
            wc = tf.sparse.sparseTensorDenseMatMul(indices, pairWeights, shape, c);
            wtq = tf.sparse.sparseTensorDenseMatMul(indices, pairWeights, shape, scaledQ,
                    org.tensorflow.op.sparse.SparseTensorDenseMatMul.adjointA(true));
        }
    }

    /**
     * TFRS's hard-negative mining on the plain form (row i is example i, its positive column i):
     * each row's positive and its k highest other logits. Returns {@code sum_i w_i logsumexp}.
     */
    private Operand<TFloat32> hardNegatives(Ops tf, Operand<TFloat32> logits) {
        Operand<TInt32> shape = tf.shape(logits);
        Operand<TInt32> n = tf.gather(shape, tf.constant(0), tf.constant(0));
        Operand<TInt32> m = tf.gather(shape, tf.constant(1), tf.constant(0));
        Operand<TInt32> rows = tf.range(tf.constant(0), n, tf.constant(1));
        Operand<TFloat32> eye = tf.oneHot(rows, m, tf.constant(1f), tf.constant(0f));
        if (task.removeAccidentalHits()) {
            Operand<TFloat32> same = tf.dtypes.cast(tf.math.equal(
                    tf.expandDims(tf.gather(candidateIds, rows, tf.constant(0)), tf.constant(1)),
                    tf.expandDims(candidateIds, tf.constant(0))), TFloat32.class);
            Operand<TFloat32> accidental = tf.math.mul(same, tf.math.sub(tf.constant(1f), eye));
            logits = tf.math.add(logits, tf.math.mul(accidental, tf.constant(MASKED)));
        }
        // the positive always survives: lift it above everything before picking the top k + 1
        Operand<TFloat32> lifted = tf.stopGradient(tf.math.add(logits, tf.math.mul(eye, tf.constant(-MASKED))));
        Operand<TInt32> keep = tf.math.minimum(tf.constant(task.numHardNegatives() + 1), m);
        Operand<TInt32> columns = tf.nn.topK(lifted, keep, new org.tensorflow.op.nn.TopK.Options[0]).indices();
        Operand<TInt32> flat = tf.math.add(columns, tf.expandDims(tf.math.mul(rows, m), tf.constant(1)));
        Operand<TFloat32> kept = tf.gather(tf.reshape(logits, tf.constant(new int[] {-1})), flat, tf.constant(0));
        Operand<TInt32> rowsAxis = tf.constant(1);
        Operand<TFloat32> max = tf.stopGradient(tf.reduceMax(kept, rowsAxis, ReduceMax.keepDims(true)));
        Operand<TFloat32> logSumExp = tf.math.add(tf.math.log(tf.reduceSum(tf.math.exp(tf.math.sub(kept, max)),
                rowsAxis)), tf.reshape(max, tf.constant(new int[] {-1})));
        return sum(tf, tf.math.mul(logSumExp, pairWeights));
    }

    private static Operand<TFloat32> sum(Ops tf, Operand<TFloat32> x) {
        return tf.reduceSum(x, tf.constant(0), ReduceSum.keepDims(false));
    }
}
