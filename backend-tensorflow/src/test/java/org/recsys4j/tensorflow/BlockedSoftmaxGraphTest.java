package org.recsys4j.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The softmax in row blocks with its gradients written out is the same function as the
 * whole-matrix form that TensorFlow differentiates: same loss, same dQ and dC within float
 * rounding, for one block, even blocks, and blocks left empty, with a temperature and column
 * weights (a logQ correction, an empty padded column).
 */
class BlockedSoftmaxGraphTest {
    private static final int U = 37;
    private static final int C = 23;
    private static final int D = 5;
    private static final int N = 61;

    @Test
    void blocksGiveTheWholeMatrixLossAndGradients() {
        for (float temperature : new float[] {1f, 0.2f}) {
            RetrievalTaskSpec task = new RetrievalTaskSpec(temperature);
            float[][] whole = run(task, null, 1, false, 1f);
            for (int[] sizes : List.of(new int[] {U}, BlockedSoftmaxGraph.sizes(U, 4, 8),
                    BlockedSoftmaxGraph.sizes(U, 8, 256), new int[] {0, 30, 0, 7})) {
                for (boolean shifted : new boolean[] {false, true}) {
                    float[][] blocked = run(task, sizes, sizes.length, shifted, 1f);
                    String what = "temperature " + temperature + ", blocks " + java.util.Arrays.toString(sizes)
                            + (shifted ? ", shifted logits" : ", softmax kernel");
                    assertEquals(whole[0][0], blocked[0][0], 1e-5 * Math.abs(whole[0][0]), what + ": loss");
                    assertClose(whole[1], blocked[1], what + ": dQ");
                    assertClose(whole[2], blocked[2], what + ": dC");
                    assertTrue(!shifted || blocked[3][0] == 1f, what + ": exact");
                }
            }
        }
    }

    /**
     * Logits far below their bound (the query rows long, the candidates' directions spread, a low
     * temperature) underflow the shifted exps: the graph says so instead of returning a wrong loss,
     * and stays exact, and equal to the whole matrix, until the bound's gap passes its headroom.
     */
    @Test
    void shiftedLogitsSayWhenTheirExpsUnderflow() {
        RetrievalTaskSpec task = new RetrievalTaskSpec(0.05);
        int[] sizes = BlockedSoftmaxGraph.sizes(U, 4, 8);
        float[][] whole = run(task, null, 1, false, 0.5f);
        float[][] shifted = run(task, sizes, sizes.length, true, 0.5f);
        assertEquals(1f, shifted[3][0], "exact at a gap below the headroom");
        assertEquals(whole[0][0], shifted[0][0], 1e-5 * Math.abs(whole[0][0]), "loss");
        assertClose(whole[1], shifted[1], "dQ");
        assertEquals(0f, run(task, sizes, sizes.length, true, 10f)[3][0], "exact at a gap far above it");
    }

    @Test
    void blockSizesCoverTheRowsWithAtLeastTwoBlocksAndAtMostTheGraphs() {
        assertArrayEquals(new int[] {19, 18, 0, 0}, BlockedSoftmaxGraph.sizes(37, 4, 256));
        assertArrayEquals(new int[] {10, 10, 10, 7}, BlockedSoftmaxGraph.sizes(37, 4, 8));
        assertArrayEquals(new int[] {250, 250, 250, 250}, BlockedSoftmaxGraph.sizes(1000, 4, 100));
        assertArrayEquals(new int[] {1, 0, 0}, BlockedSoftmaxGraph.sizes(1, 3, 256));
        assertArrayEquals(new int[] {0, 0}, BlockedSoftmaxGraph.sizes(0, 2, 256));
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        float scale = 0;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5f * scale, what + " at " + i);
        }
    }

    /**
     * Loss, dQ and dC of one batch, and whether the shifted form was exact (1) or not (0): the
     * whole-matrix form when {@code sizes} is null. {@code scale}: the query rows' length.
     */
    private static float[][] run(RetrievalTaskSpec task, int[] sizes, int blocks, boolean shifted, float scale) {
        Random random = new Random(7);
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> q = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, D)));
            Placeholder<TFloat32> c = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, D)));
            Placeholder<TFloat32> logWeights = tf.placeholder(TFloat32.class);
            Placeholder<TFloat32> rowWeights = tf.placeholder(TFloat32.class);
            Placeholder<TInt32> pairQuery = tf.placeholder(TInt32.class);
            Placeholder<TInt32> pairCandidate = tf.placeholder(TInt32.class);
            Placeholder<TFloat32> pairWeights = tf.placeholder(TFloat32.class);
            Placeholder<TInt32> blockSizes = sizes == null ? null : tf.placeholder(TInt32.class);
            RetrievalLossGraph graph = new RetrievalLossGraph(task, q, c, logWeights, rowWeights, pairQuery,
                    pairCandidate, pairWeights, tf.onesLike(pairWeights), tf.range(tf.constant(0), tf.constant(C),
                    tf.constant(1)), blockSizes, blocks);
            Operand<TFloat32> loss = graph.build(tf);
            // the blocked form's loss carries no gradient: all of it is written out in gradQ and gradC
            Output<?>[] grads = sizes != null ? null
                    : g.addGradients(loss.asOutput(), new Output<?>[] {q.asOutput(), c.asOutput()});
            if (shifted) {
                loss = graph.shiftedLossOfFirst.get(blocks - 1);
            }
            Operand<TFloat32> dq = shifted ? graph.shiftedGradQOfFirst.get(blocks - 1)
                    : sizes != null ? graph.gradQ : cast(grads[0]);
            Operand<TFloat32> dc = shifted ? graph.shiftedGradCOfFirst.get(blocks - 1)
                    : sizes != null ? graph.gradC : cast(grads[1]);
            Operand<TFloat32> exact = shifted ? tf.dtypes.cast(graph.exactOfFirst.get(blocks - 1), TFloat32.class)
                    : tf.constant(1f);
            int[] queryOf = new int[N];
            int[] candidateOf = new int[N];
            float[] exampleWeights = new float[N];
            float[] rows = new float[U];
            for (int i = 0; i < N; i++) {
                queryOf[i] = i < U ? i : random.nextInt(U);
                candidateOf[i] = random.nextInt(C - 1);
                exampleWeights[i] = 0.5f + random.nextFloat();
                rows[queryOf[i]] += exampleWeights[i];
            }
            float[] log = new float[C];
            for (int j = 0; j < C - 1; j++) {
                log[j] = (float) Math.log(1 + random.nextInt(4)) - 2 * random.nextFloat();
            }
            log[C - 1] = RetrievalTaskGraph.EMPTY_LOG_COUNT; // a padded column
            List<Tensor> owned = new ArrayList<>();
            try {
                Session.Runner r = s.runner()
                        .feed(q, own(owned, matrix(random, U, scale)))
                        .feed(c, own(owned, matrix(random, C, 1f)))
                        .feed(logWeights, own(owned, Tensors.vector(log)))
                        .feed(rowWeights, own(owned, Tensors.vector(rows)))
                        .feed(pairQuery, own(owned, Tensors.rows(queryOf)))
                        .feed(pairCandidate, own(owned, Tensors.rows(candidateOf)))
                        .feed(pairWeights, own(owned, Tensors.vector(exampleWeights)));
                if (sizes != null) {
                    r.feed(blockSizes, own(owned, Tensors.rows(sizes)));
                }
                try (Result out = r.fetch(loss).fetch(dq).fetch(dc).fetch(exact).run()) {
                    return new float[][] {Tensors.floats(out.get(0)), Tensors.floats(out.get(1)),
                            Tensors.floats(out.get(2)), Tensors.floats(out.get(3))};
                }
            } finally {
                owned.forEach(Tensor::close);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Operand<TFloat32> cast(Output<?> o) {
        return (Operand<TFloat32>) o;
    }

    private static TFloat32 matrix(Random random, int rows, float scale) {
        float[] values = new float[rows * D];
        for (int i = 0; i < values.length; i++) {
            values[i] = scale * (float) random.nextGaussian();
        }
        return TFloat32.tensorOf(Shape.of(rows, D), DataBuffers.of(values, true, false));
    }

    private static <T extends Tensor> T own(List<Tensor> owned, T t) {
        owned.add(t);
        return t;
    }
}
