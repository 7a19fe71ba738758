package org.recsys4j.nd4j;

/**
 * Adagrad's update of the rows a batch touched, vectorised ({@link VectorAdagrad}) once the JIT has
 * compiled it, scalar before that or without the vector module. The Vector API runs lane by lane
 * through its Java fallback, orders of magnitude slower, until C2 compiles it, so, as {@link Exp}
 * does, a daemon thread drives it to compilation on a tiny table when this class loads; until that
 * thread ends the scalar loop runs. Both give the same bits, so results do not depend on which ran.
 */
final class SparseAdagrad {
    /** Calls on a tiny table that take C2 past its compile thresholds (about 10,000 here) with room to spare. */
    private static final int WARM_UP_CALLS = 30_000;
    private static final Thread WARM_UP = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            ? startWarmUp() : null;

    private SparseAdagrad() {
    }

    /** Starts the warm-up, if it has not started: a no-op beyond loading this class. */
    static void prepare() {
    }

    /**
     * Rows {@code from} to {@code to} of a sparse gradient ({@code d} floats a row, duplicates
     * already summed) applied to their table rows and accumulators.
     */
    static void apply(float[] table, float[] accumulator, int[] rows, float[] grads, int d, float lr, float eps,
            int from, int to) {
        if (vectorised()) {
            VectorAdagrad.applyRows(table, accumulator, rows, grads, d, lr, eps, from, to);
        } else {
            scalar(table, accumulator, rows, grads, d, lr, eps, from, to);
        }
    }

    /** Whether the vector update is compiled and used: for tests that compare the two. */
    static boolean vectorised() {
        return WARM_UP != null && !WARM_UP.isAlive();
    }

    static void scalar(float[] table, float[] accumulator, int[] rows, float[] grads, int d, float lr, float eps,
            int from, int to) {
        for (int i = from; i < to; i++) {
            columns(table, accumulator, rows[i] * d, grads, i * d, 0, d, lr, eps);
        }
    }

    /**
     * Columns {@code from} to {@code to} of one row: the update's one scalar form, which the vector
     * loop's lanes repeat operation for operation and its tail calls.
     */
    static void columns(float[] table, float[] accumulator, int base, float[] grads, int gradBase, int from, int to,
            float lr, float eps) {
        for (int k = from; k < to; k++) {
            float g = grads[gradBase + k];
            float acc = accumulator[base + k] + g * g;
            accumulator[base + k] = acc;
            table[base + k] -= lr * g / ((float) Math.sqrt(acc) + eps);
        }
    }

    private static Thread startWarmUp() {
        Thread t = new Thread(() -> {
            int d = 32;
            int[] rows = {3, 0, 2, 1};
            float[] table = new float[rows.length * d];
            float[] accumulator = new float[table.length];
            float[] grads = new float[table.length];
            for (int call = 0; call < WARM_UP_CALLS; call++) {
                java.util.Arrays.fill(accumulator, 0.1f);
                java.util.Arrays.fill(grads, call * 1e-6f);
                VectorAdagrad.applyRows(table, accumulator, rows, grads, d, 0.1f, 1e-7f, 0, rows.length);
            }
        }, "recsys4j-adagrad-warm-up");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
