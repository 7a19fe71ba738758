package org.recsys4j.tensorflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A head's first dense layer run on its inputs' distinct rows. Each input of a head is a source's
 * rows gathered per example, {@code x_i = S_i[of_i]} (a tower's outputs on the batch's distinct
 * inputs), so {@code x W + b = sum_i (S_i W_i)[of_i] + b}, {@code W_i} being the kernel's rows for
 * input i: the layer's products run on the sources' rows (a batch of 8,192 MovieLens ratings holds
 * about 900 users and 1,200 titles) instead of on every example, and what remains per example is a
 * gather per input and their sum. Backward, with {@code G_i} the layer's output gradient summed
 * onto each source row ({@code G_i[r] = sum of dZ[e] over the examples e with of_i[e] = r}, a
 * sorted segment sum over the examples ordered by row in Java):
 * {@code dS_i = G_i W_i^T}, {@code dW_i = S_i^T G_i}, and the bias's gradient is the column sums of
 * {@code G_0}.
 */
final class DistinctRowsDense {
    private final List<RankingTaskGraph.Input> inputs;
    /** Each input's rows of the kernel. */
    private final List<Operand<TFloat32>> kernels = new ArrayList<>();
    /** The layer's output before its activation, {@code [n, units]}. */
    final Operand<TFloat32> preActivation;

    DistinctRowsDense(Ops tf, List<RankingTaskGraph.Input> inputs, Operand<TFloat32> kernel,
            Operand<TFloat32> bias, int units) {
        this.inputs = List.copyOf(inputs);
        List<Operand<TFloat32>> perExample = new ArrayList<>();
        int offset = 0;
        for (RankingTaskGraph.Input in : inputs) {
            int width = in.width();
            Operand<TFloat32> w = tf.slice(kernel, tf.constant(new int[] {offset, 0}),
                    tf.constant(new int[] {width, units}));
            kernels.add(w);
            Operand<TFloat32> p = tf.linalg.matMul(in.source(), w);
            if (perExample.isEmpty()) {
                // the bias once, on the first source's rows (a BiasAdd Grappler fuses with the product)
                p = tf.nn.biasAdd(p, bias, new org.tensorflow.op.nn.BiasAdd.Options[0]);
            }
            perExample.add(tf.gather(p, in.index(), tf.constant(0)));
            offset += width;
        }
        preActivation = perExample.size() == 1 ? perExample.get(0) : tf.math.addN(perExample);
    }

    /**
     * The layer's weight gradients from {@code dz}, the loss's gradient with respect to
     * {@link #preActivation}.
     *
     * @param grads receives the kernel's and the bias's gradients under the given names
     * @return each source's gradient
     */
    Map<Operand<TFloat32>, Operand<TFloat32>> backward(Ops tf, Operand<TFloat32> dz, String kernelName,
            String biasName, Map<String, Operand<TFloat32>> grads) {
        Map<Operand<TFloat32>, Operand<TFloat32>> out = new LinkedHashMap<>();
        List<Operand<TFloat32>> dKernels = new ArrayList<>();
        Operand<TInt32> zero = tf.constant(0);
        for (int i = 0; i < inputs.size(); i++) {
            RankingTaskGraph.Input in = inputs.get(i);
            Operand<TInt32> rows = tf.gather(tf.shape(in.source()), zero, zero);
            // a sorted segment sum, about half the CPU of an unsorted one over the same 8,192 x 256 gradient
            Operand<TFloat32> g = tf.sparse.sparseSegmentSumWithNumSegments(dz, in.byRow(), in.sortedIndex(), rows);
            if (i == 0) {
                grads.put(biasName, tf.reduceSum(g, zero));
            }
            dKernels.add(tf.linalg.matMul(in.source(), g, MatMul.transposeA(true)));
            // a source read by two inputs gets both gradients
            out.merge(in.source(), tf.linalg.matMul(g, kernels.get(i), MatMul.transposeB(true)),
                    (a, b) -> tf.math.add(a, b));
        }
        grads.put(kernelName, dKernels.size() == 1 ? dKernels.get(0) : tf.concat(dKernels, zero));
        return out;
    }

    /**
     * What {@link RankingTaskGraph.Input#byRow} and {@link RankingTaskGraph.Input#sortedIndex} take
     * for an input's per-example rows {@code of}: the examples ordered by row (stably), and their rows.
     */
    static int[][] examplesByRow(int[] of) {
        int rows = 0;
        for (int r : of) {
            rows = Math.max(rows, r + 1);
        }
        int[] start = new int[rows + 1];
        for (int r : of) {
            start[r + 1]++;
        }
        for (int r = 0; r < rows; r++) {
            start[r + 1] += start[r];
        }
        int[] examples = new int[of.length];
        int[] sorted = new int[of.length];
        for (int e = 0; e < of.length; e++) {
            int k = start[of[e]]++;
            examples[k] = e;
            sorted[k] = of[e];
        }
        return new int[][] {examples, sorted};
    }
}
