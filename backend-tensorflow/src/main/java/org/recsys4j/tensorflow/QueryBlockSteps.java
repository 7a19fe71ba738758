package org.recsys4j.tensorflow;

import java.util.ArrayList;
import java.util.List;
import org.recsys4j.spec.ModelSpec;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * The loss a step fetches and the update it runs, by how many query blocks of the softmax hold
 * rows ({@link RetrievalTaskGraph#feed}): when the gradients are all written out, those of the
 * first k blocks alone, so that a step whose other blocks are empty skips them; else the model's
 * loss and update whatever the blocks.
 */
final class QueryBlockSteps {
    private final Operand<TFloat32> loss;
    private final Op train;
    /**
     * When the gradients are all written out: the model's loss and the optimizer's update from the
     * first k query blocks alone, at index k - 1, for steps whose other blocks are empty
     * ({@link RetrievalTaskGraph#lossOfFirst}); else empty, and every step runs all the blocks.
     */
    private final List<Operand<TFloat32>> lossOfFirst = new ArrayList<>();
    private final List<Op> trainOfFirst = new ArrayList<>();
    /**
     * The same with the softmax from shifted logits ({@link BlockedSoftmaxGraph}), and whether its
     * values are exact: an update that is not exact changes nothing (its gradients are zeros), and
     * the step is run again by {@link #lossOfFirst}. Empty where {@link #lossOfFirst} is.
     */
    private final List<Operand<TFloat32>> shiftedLossOfFirst = new ArrayList<>();
    private final List<Op> shiftedTrainOfFirst = new ArrayList<>();
    private final List<Operand<TBool>> exactOfFirst = new ArrayList<>();

    /** Every step runs the model's {@code loss} and {@code train}: the gradients are not all written out. */
    QueryBlockSteps(Operand<TFloat32> loss, Op train) {
        this.loss = loss;
        this.train = train;
    }

    /**
     * Each number of blocks' loss and Adagrad update, for a model whose gradients are all written
     * out ({@link #allWrittenOut}); the update of all the blocks is {@code optimizer}'s own.
     *
     * @param loss the model's loss, of all the blocks
     * @param regularization what a step reports besides the loss (a retrieval-only model has no ranking outputs)
     * @param shiftedSoftmax whether a step tries the shifted softmax first
     */
    QueryBlockSteps(Ops tf, RetrievalTaskGraph retrieval, SparseRows sparse, OptimizerGraph optimizer,
            List<Variable<TFloat32>> variables, Operand<TFloat32> loss, Operand<TFloat32> regularization,
            boolean shiftedSoftmax) {
        this(loss, optimizer.train);
        var sparseIndices = sparse.rows();
        for (int k = 1; k <= RetrievalTaskGraph.BLOCKS; k++) {
            Operand<TFloat32> l = k == RetrievalTaskGraph.BLOCKS ? loss : retrieval.lossOfFirst.get(k - 1);
            Output<?>[] g = sparse.writtenOutGradients(k, false);
            lossOfFirst.add(l);
            trainOfFirst.add(k == RetrievalTaskGraph.BLOCKS ? optimizer.train : optimizer.adagrad(tf,
                    OptimizerGraph.afterGradients(tf, g, List.of(l, regularization)), variables, g, sparseIndices));
            if (!shiftedSoftmax) {
                continue;
            }
            Operand<TBool> exact = retrieval.exactOfFirst.get(k - 1);
            Operand<TFloat32> shiftedLoss = retrieval.shiftedLossOfFirst.get(k - 1);
            Output<?>[] shifted = sparse.writtenOutGradients(k, true);
            for (int i = 0; i < shifted.length; i++) {
                @SuppressWarnings("unchecked")
                Operand<TFloat32> gi = (Operand<TFloat32>) shifted[i];
                shifted[i] = tf.select(exact, gi, tf.zerosLike(gi)).asOutput();
            }
            exactOfFirst.add(exact);
            shiftedLossOfFirst.add(shiftedLoss);
            shiftedTrainOfFirst.add(optimizer.adagrad(tf,
                    OptimizerGraph.afterGradients(tf, shifted, List.of(shiftedLoss, regularization)), variables,
                    shifted, sparseIndices));
        }
    }

    /**
     * Whether the gradients the loss graph writes out are all there is: a Retrieval task alone,
     * weighted 1, its softmax in blocks, without per-example L2, over tables that are each updated
     * at their gathered rows. TensorFlow's derivative of the term that seeds them would be each of
     * them times 1, computed with a broadcast and a product over every row.
     */
    static boolean allWrittenOut(ModelSpec spec, RetrievalTaskGraph retrieval, SparseRows sparse, int variables,
            boolean perExampleL2) {
        return retrieval != null && retrieval.gradQ != null && spec.rankingTasks().isEmpty() && !perExampleL2
                && sparse.all(variables) && spec.retrievalTask().weight() == 1.0;
    }

    /** Whether a step tries the shifted softmax first, and runs again where it was not exact. */
    boolean triesShifted() {
        return !shiftedLossOfFirst.isEmpty();
    }

    /** The loss of a step whose first {@code blocks} query blocks hold rows. */
    Operand<TFloat32> loss(int blocks, boolean shifted) {
        return shifted ? shiftedLossOfFirst.get(blocks - 1) : lossOfFirst.isEmpty() ? loss
                : lossOfFirst.get(blocks - 1);
    }

    /** Whether the shifted softmax's values are exact, for a step whose first {@code blocks} blocks hold rows. */
    Operand<TBool> exact(int blocks) {
        return exactOfFirst.get(blocks - 1);
    }

    /** The update of a step whose first {@code blocks} query blocks hold rows. */
    Op train(int blocks, boolean shifted) {
        return shifted ? shiftedTrainOfFirst.get(blocks - 1) : trainOfFirst.isEmpty() ? train
                : trainOfFirst.get(blocks - 1);
    }
}
