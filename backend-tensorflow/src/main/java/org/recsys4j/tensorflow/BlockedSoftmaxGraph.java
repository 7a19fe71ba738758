package org.recsys4j.tensorflow;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceMax;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.core.SplitV;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The softmax part of the in-batch loss, {@code sum_u w_u log Z_u}, and its gradients with
 * respect to the query and candidate rows, computed in row blocks: each block's logits
 * ({@code [Q_b/T, 1] [C, log m]^T}, the column log weights riding in the product), their softmax
 * P in one kernel, {@code log Z} from two row maxima, the block's rows of dQ,
 * {@code (w/T) . P C}, and its share of dC, {@code P^T (w . Q_b/T)}. Only the products, the
 * softmax and two maxima touch the block's scores, and a block of a few hundred rows stays in
 * cache while all of them read it; the blocks are
 * independent, so TensorFlow's inter-op threads run them side by side. This is the work the
 * {@code CollapsedFloor} of the scaling benchmark times, and the way the ND4J trainer does it.
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
     * @param scaledQ the query rows divided by the temperature
     * @param blockSizes the rows of each of {@code blocks} blocks (some may be 0), summing to the query rows
     */
    BlockedSoftmaxGraph(Ops tf, Operand<TFloat32> scaledQ, Operand<TFloat32> c, Operand<TFloat32> columnLogWeights,
            Operand<TFloat32> rowWeights, float temperature, Operand<TInt32> blockSizes, int blocks) {
        Operand<TInt32> columnsAxis = tf.constant(1);
        Operand<TInt32> rowsAxis = tf.constant(0);
        Operand<TFloat32> oneColumn = tf.expandDims(tf.onesLike(rowWeights), columnsAxis);
        Operand<TFloat32> queries = tf.concat(List.of(scaledQ, oneColumn), columnsAxis);
        Operand<TFloat32> candidates = tf.concat(List.of(c, tf.expandDims(columnLogWeights, columnsAxis)),
                columnsAxis);
        SplitV<TFloat32> queryBlocks = tf.splitV(queries, blockSizes, rowsAxis, (long) blocks);
        SplitV<TFloat32> scaledBlocks = tf.splitV(scaledQ, blockSizes, rowsAxis, (long) blocks);
        SplitV<TFloat32> weightBlocks = tf.splitV(tf.expandDims(rowWeights, columnsAxis), blockSizes, rowsAxis,
                (long) blocks);
        Operand<TFloat32> invT = tf.constant(1f / temperature);
        List<Operand<TFloat32>> losses = new ArrayList<>();
        List<Operand<TFloat32>> gradQs = new ArrayList<>();
        List<Operand<TFloat32>> gradCs = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            Operand<TFloat32> logits = tf.linalg.matMul(queryBlocks.output().get(b), candidates,
                    MatMul.transposeB(true));
            // one kernel for max, exp, sum and divide: cheaper than those ops apart (TensorFlow's own exp is slow)
            Operand<TFloat32> p = tf.nn.softmax(logits);
            // log Z_u = max_j logit_uj - log max_j P_uj: P is 1/Z at the row's largest logit, never tiny
            Operand<TFloat32> logZ = tf.math.sub(tf.reduceMax(logits, columnsAxis, ReduceMax.keepDims(true)),
                    tf.math.log(tf.reduceMax(p, columnsAxis, ReduceMax.keepDims(true))));
            Operand<TFloat32> w = weightBlocks.output().get(b);
            losses.add(tf.reduceSum(tf.math.mul(w, logZ), tf.constant(new int[] {0, 1}), ReduceSum.keepDims(false)));
            // d loss / d logit_uj = w_u P_uj
            Operand<TFloat32> rowScale = temperature == 1f ? w : tf.math.mul(w, invT);
            gradQs.add(tf.math.mul(rowScale, tf.linalg.matMul(p, c)));
            gradCs.add(tf.linalg.matMul(p, tf.math.mul(w, scaledBlocks.output().get(b)), MatMul.transposeA(true)));
        }
        for (int k = 1; k <= blocks; k++) {
            lossOfFirst.add(tf.stopGradient(k == 1 ? losses.get(0) : tf.math.addN(losses.subList(0, k))));
            gradQOfFirst.add(k == 1 ? gradQs.get(0) : tf.concat(gradQs.subList(0, k), rowsAxis));
            gradCOfFirst.add(k == 1 ? gradCs.get(0) : tf.math.addN(gradCs.subList(0, k)));
        }
        loss = lossOfFirst.get(blocks - 1);
        gradQ = gradQOfFirst.get(blocks - 1);
        gradC = gradCOfFirst.get(blocks - 1);
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
