package org.recsys4j.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.recsys4j.split.TfDataShuffle;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.data.ShuffleDataset;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * The plain-Java {@link TfDataShuffle} against TensorFlow's own {@code ShuffleDatasetV3} kernel,
 * run as Python's {@code Dataset.shuffle} runs it in TF 2 (a dummy seed generator, the kernel
 * making a fixed or a reshuffling one): the same order for buffers smaller and larger than the
 * data, several seeds, both settings of {@code reshuffle_each_iteration}.
 */
class TfDataShuffleKernelTest {
    private static final List<Class<? extends TType>> INT64 = List.of(TInt64.class);

    @Test
    void theJavaShuffleIsTheKernels() {
        long[][] cases = {{100_000, 100_000, 42, 42}, {1_000, 100, 7, 3}, {5_000, 5_000, 0, Integer.MAX_VALUE},
            {777, 1_000, 478_163_327, 42}, {1, 1, 1, 1}};
        for (long[] c : cases) {
            int n = (int) c[0];
            assertArrayEquals(kernel(n, c[1], c[2], c[3], false), TfDataShuffle.order(n, c[1], c[2], c[3]),
                    "fixed seeds " + java.util.Arrays.toString(c));
            assertArrayEquals(kernel(n, c[1], c[2], c[3], true),
                    TfDataShuffle.firstReshuffledOrder(n, c[1], c[2], c[3]),
                    "first reshuffled iteration " + java.util.Arrays.toString(c));
        }
    }

    /** One iteration of range(n).shuffle(buffer) by TensorFlow, batched into one tensor. */
    private static int[] kernel(int n, long buffer, long seed, long seed2, boolean reshuffle) {
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            var range = tf.data.rangeDataset(tf.constant(0L), tf.constant((long) n), tf.constant(1L), INT64,
                    List.of(Shape.scalar()));
            var shuffled = tf.data.shuffleDataset(range, tf.constant(buffer), tf.constant(seed), tf.constant(seed2),
                    tf.random.dummySeedGenerator(), INT64, List.of(Shape.scalar()),
                    ShuffleDataset.reshuffleEachIteration(reshuffle));
            var batch = tf.data.batchDataset(shuffled, tf.constant((long) n), tf.constant(false), INT64,
                    List.of(Shape.of(-1)));
            var one = tf.data.datasetToSingleElement(batch, INT64, List.of(Shape.of(-1)));
            try (Result r = s.runner().fetch(one.components().get(0)).run()) {
                TInt64 t = (TInt64) r.get(0);
                int[] out = new int[n];
                for (int i = 0; i < n; i++) {
                    out[i] = (int) t.getLong(i);
                }
                return out;
            }
        }
    }
}
