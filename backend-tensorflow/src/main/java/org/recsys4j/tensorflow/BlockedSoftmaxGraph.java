package org.recsys4j.tensorflow;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceMax;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.core.SplitV;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The softmax part of the in-batch loss, {@code sum_u w_u log Z_u}, and its gradients with
 * respect to the query and candidate rows, computed in row blocks: each block's logits
 * ({@code [Q_b/T, 1] [C, log m]^T}, the column log weights riding in the product), their softmax
 * P, {@code log Z}, the block's rows of dQ, {@code (w/T) . P C}, and its share of dC,
 * {@code P^T (w . Q_b/T)}. A block of a few hundred rows stays in cache while the products read
 * it; the blocks are independent, so TensorFlow's inter-op threads run them side by side. This is
 * the work the {@code CollapsedFloor} of the scaling benchmark times, and the way the ND4J trainer
 * does it.
 *
 * <p>P is made one of two ways. By TensorFlow's softmax kernel, with {@code log Z} from two row
 * maxima: exact for any logits, but three passes over the scores besides the exp (max, sum,
 * divide), and two more for the maxima. Or shifted: each row's logits minus a bound on them
 * ({@link #shift}, one more column in the product), their exp (one pass), its row sums (one pass);
 * {@code 1/Z} is folded into the products' row scales. Traced at 650 x 5,386 scores a step on an
 * AMD EPYC without AVX-512 (where TensorFlow's softmax is Eigen's, not oneDNN's), the exp and its
 * sums took 4.8 ms of op time where the softmax kernel and the maxima took 15.2. A bound far above
 * a row's largest logit would underflow its exps, so that form also says whether it was exact
 * ({@link #exactOfFirst}), and the trainer redoes a step that was not by the softmax kernel.
 *
 * <p>The gradients are written out, not derived by TensorFlow: its derivative of the same ops
 * would add full-size broadcasts and products per block. {@link #loss} carries no gradient;
 * {@link RetrievalTaskGraph} hands {@link #gradQ} and {@link #gradC} to the backward pass through a
 * term of value 0. (Seeding them as extra {@code ys} of {@code Graph.addGradients} lost them: the
 * tower outputs are inner nodes of the loss.)
 */
final class BlockedSoftmaxGraph {
    /** {@code sum_u w_u (log Z_u + max_u)}, cut from the gradient. */
    final Operand<TFloat32> loss;
    /** The gradient of {@link #loss} with respect to the query rows. */
    final Operand<TFloat32> gradQ;
    /** The gradient of {@link #loss} with respect to the candidate rows. */
    final Operand<TFloat32> gradC;
    /**
     * The same three from the first k blocks alone, at index k - 1: what they are when the blocks
     * after the k-th are empty, bit for bit (their shares are zeros added last), without running the
     * empty blocks' ops (a zero c x d share of dC each, and a dozen small ops). The last are
     * {@link #loss}, {@link #gradQ} and {@link #gradC}.
     */
    final List<Operand<TFloat32>> lossOfFirst = new ArrayList<>();
    final List<Operand<TFloat32>> gradQOfFirst = new ArrayList<>();
    final List<Operand<TFloat32>> gradCOfFirst = new ArrayList<>();
    /**
     * With shifted logits, whether the first k blocks' values are exact, at index k - 1: true when
     * every row's sum of exps is at least {@link #SMALLEST_SUM}; else empty. A row whose sum is smaller
     * had its largest terms near the float's underflow, and its log Z and gradients may be wrong.
     */
    final List<Operand<TBool>> exactOfFirst = new ArrayList<>();
    /**
     * How far below the bound the shifted logits start: a row's exps are at most {@code e^64}, so
     * their sums over a million columns, and products with candidate entries up to 1e4, stay inside
     * the float range; and a row is still exact when its largest logit is up to about 110 below its
     * bound.
     */
    static final float HEADROOM = 64f;
    /**
     * The smallest sum of exps taken as exact: the terms lost to underflow (each below 1.2e-38) then
     * weigh less than 1e-12 of it for up to a million columns.
     */
    static final float SMALLEST_SUM = 1e-20f;

    /**
     * @param scaledQ the query rows divided by the temperature
     * @param blockSizes the rows of each of {@code blocks} blocks (some may be 0), summing to the query rows
     * @param shifted whether to make P from logits shifted by {@link #shift} rather than by TensorFlow's
     *     softmax kernel
     */
    BlockedSoftmaxGraph(Ops tf, Operand<TFloat32> scaledQ, Operand<TFloat32> c, Operand<TFloat32> columnLogWeights,
            Operand<TFloat32> rowWeights, float temperature, Operand<TInt32> blockSizes, int blocks,
            boolean shifted) {
        Operand<TInt32> columnsAxis = tf.constant(1);
        Operand<TInt32> rowsAxis = tf.constant(0);
        Operand<TFloat32> oneColumn = tf.expandDims(tf.onesLike(rowWeights), columnsAxis);
        Operand<TFloat32> shift = shifted ? shift(tf, scaledQ, c, columnLogWeights) : null;
        Operand<TFloat32> queries = tf.concat(shifted ? List.of(scaledQ, oneColumn, tf.math.neg(shift))
                : List.of(scaledQ, oneColumn), columnsAxis);
        Operand<TFloat32> logColumn = tf.expandDims(columnLogWeights, columnsAxis);
        Operand<TFloat32> candidates = tf.concat(shifted ? List.of(c, logColumn, tf.onesLike(logColumn))
                : List.of(c, logColumn), columnsAxis);
        SplitV<TFloat32> queryBlocks = tf.splitV(queries, blockSizes, rowsAxis, (long) blocks);
        SplitV<TFloat32> scaledBlocks = tf.splitV(scaledQ, blockSizes, rowsAxis, (long) blocks);
        SplitV<TFloat32> weightBlocks = tf.splitV(tf.expandDims(rowWeights, columnsAxis), blockSizes, rowsAxis,
                (long) blocks);
        SplitV<TFloat32> shiftBlocks = shifted ? tf.splitV(shift, blockSizes, rowsAxis, (long) blocks) : null;
        Operand<TFloat32> invT = tf.constant(1f / temperature);
        List<Operand<TFloat32>> losses = new ArrayList<>();
        List<Operand<TFloat32>> gradQs = new ArrayList<>();
        List<Operand<TFloat32>> gradCs = new ArrayList<>();
        List<Operand<TFloat32>> smallestSums = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            Operand<TFloat32> logits = tf.linalg.matMul(queryBlocks.output().get(b), candidates,
                    MatMul.transposeB(true));
            Operand<TFloat32> w = weightBlocks.output().get(b);
            Operand<TFloat32> p;
            Operand<TFloat32> logZ;
            Operand<TFloat32> rowScale;
            if (shifted) {
                // P = E / Z with E = exp(logit - s): 1/Z rides in the row scale of both products
                p = tf.math.exp(logits);
                Operand<TFloat32> z = tf.reduceSum(p, columnsAxis, ReduceSum.keepDims(true));
                logZ = tf.math.add(shiftBlocks.output().get(b), tf.math.log(z));
                rowScale = tf.math.div(w, z);
                smallestSums.add(tf.reduceMin(z, tf.constant(new int[] {0, 1})));
            } else {
                // one kernel for max, exp, sum and divide
                p = tf.nn.softmax(logits);
                // log Z_u = max_j logit_uj - log max_j P_uj: P is 1/Z at the row's largest logit, never tiny
                logZ = tf.math.sub(tf.reduceMax(logits, columnsAxis, ReduceMax.keepDims(true)),
                        tf.math.log(tf.reduceMax(p, columnsAxis, ReduceMax.keepDims(true))));
                rowScale = w;
            }
            losses.add(tf.reduceSum(tf.math.mul(w, logZ), tf.constant(new int[] {0, 1}), ReduceSum.keepDims(false)));
            // d loss / d logit_uj = w_u P_uj
            gradQs.add(tf.math.mul(temperature == 1f ? rowScale : tf.math.mul(rowScale, invT),
                    tf.linalg.matMul(p, c)));
            gradCs.add(tf.linalg.matMul(p, tf.math.mul(rowScale, scaledBlocks.output().get(b)),
                    MatMul.transposeA(true)));
        }
        Operand<TFloat32> smallest = null;
        for (int k = 1; k <= blocks; k++) {
            lossOfFirst.add(tf.stopGradient(k == 1 ? losses.get(0) : tf.math.addN(losses.subList(0, k))));
            gradQOfFirst.add(k == 1 ? gradQs.get(0) : tf.concat(gradQs.subList(0, k), rowsAxis));
            gradCOfFirst.add(k == 1 ? gradCs.get(0) : tf.math.addN(gradCs.subList(0, k)));
            if (shifted) {
                // an empty block's minimum is +inf: it never fails the check
                smallest = k == 1 ? smallestSums.get(0) : tf.math.minimum(smallest, smallestSums.get(k - 1));
                exactOfFirst.add(tf.math.greaterEqual(smallest, tf.constant(SMALLEST_SUM)));
            }
        }
        loss = lossOfFirst.get(blocks - 1);
        gradQ = gradQOfFirst.get(blocks - 1);
        gradC = gradCOfFirst.get(blocks - 1);
    }

    /**
     * Each row's shift {@code s_u = |q_u / T| max_j |c_j| + max_j log m_j - HEADROOM}: every logit of
     * the row is at most {@code s_u + HEADROOM} (Cauchy-Schwarz), so {@code exp(logit - s_u)} is at
     * most {@code e^HEADROOM} and no sum or product of them overflows. Unlike the row maximum it needs
     * no pass over the scores; it is a bound, so a row whose largest logit lies far below it can
     * underflow, which {@link #exactOfFirst} reports.
     */
    private static Operand<TFloat32> shift(Ops tf, Operand<TFloat32> scaledQ, Operand<TFloat32> c,
            Operand<TFloat32> columnLogWeights) {
        Operand<TInt32> columnsAxis = tf.constant(1);
        Operand<TFloat32> queryNorms = tf.math.sqrt(tf.reduceSum(tf.math.square(scaledQ), columnsAxis,
                ReduceSum.keepDims(true)));
        Operand<TFloat32> largestCandidate = tf.math.sqrt(tf.reduceMax(tf.reduceSum(tf.math.square(c), columnsAxis),
                tf.constant(0)));
        Operand<TFloat32> largestLogWeight = tf.reduceMax(columnLogWeights, tf.constant(0));
        return tf.math.add(tf.math.mul(queryNorms, largestCandidate),
                tf.math.sub(largestLogWeight, tf.constant(HEADROOM)));
    }

    /** The blocks {@link #sizes} gives rows to (at least 1): the rest are empty, at the end. */
    static int used(int[] sizes) {
        int used = 1;
        for (int b = 0; b < sizes.length; b++) {
            if (sizes[b] > 0) {
                used = b + 1;
            }
        }
        return used;
    }

    /**
     * The rows of each of {@code blocks} blocks for {@code u} query rows: blocks of about
     * {@code blockRows} rows, at least two blocks when there are two rows (two inter-op threads
     * share them), at most {@code blocks}; the unused blocks get 0 rows.
     */
    static int[] sizes(int u, int blocks, int blockRows) {
        int wanted = Math.max(Math.min(2, u), (u + blockRows - 1) / blockRows);
        int used = Math.max(1, Math.min(blocks, wanted));
        int rows = (u + used - 1) / used;
        int[] sizes = new int[blocks];
        for (int b = 0, from = 0; b < blocks; b++) {
            sizes[b] = Math.max(0, Math.min(rows, u - from));
            from += sizes[b];
        }
        return sizes;
    }
}
