package org.recsys4j.nd4j;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.recsys4j.spec.Adagrad;

/**
 * Keras Adagrad's accumulators for one tower: a Java array per table (the id's and each
 * feature's), ND4J for dense weights. Without a per-table L2 a table's gradient is sparse and
 * only the rows a batch touched move, as Keras applies an {@code IndexedSlices}; with it every
 * row has a gradient ({@code 2 l2 W}) and the whole table moves.
 */
final class AdagradState implements TowerOptimizer {
    /**
     * Rows of a sparse update below which a second worker does not pay: a row took about 0.6 us
     * scalar (profiled at 100k: 3.6 ms for a step's 6,000 rows, 18% of the step), some 0.05 us
     * vectorised ({@link SparseAdagrad}), a worker's wake-up some 50 us.
     */
    static final int ROWS_PER_WORKER = 1024;
    private final TowerNet net;
    private final float lr;
    private final float eps;
    private final float l2PerTable;
    private final Map<String, float[]> tableAccumulators = new LinkedHashMap<>();
    private final INDArray[] kernelAccumulators;
    private final INDArray[] biasAccumulators;

    /** The score bias's accumulators (never L2-decayed: Keras regularizes tables and kernels only). */
    private final float[] scoreBiasAccumulator;
    private final Parallel parallel;

    /** @param parallel the trainer's workers, which share out the rows of a sparse update */
    AdagradState(TowerNet net, Adagrad optimizer, double l2PerTable, Parallel parallel) {
        this.net = net;
        this.parallel = parallel;
        this.l2PerTable = (float) l2PerTable;
        this.lr = (float) optimizer.learningRate();
        this.eps = (float) optimizer.epsilon();
        float init = (float) optimizer.initialAccumulatorValue();
        net.tables.forEach((name, table) -> {
            float[] acc = new float[table.length];
            java.util.Arrays.fill(acc, init);
            tableAccumulators.put(name, acc);
        });
        scoreBiasAccumulator = net.scoreBias == null ? null : new float[net.scoreBias.length];
        if (scoreBiasAccumulator != null) {
            java.util.Arrays.fill(scoreBiasAccumulator, init);
        }
        int n = net.kernels.length;
        kernelAccumulators = new INDArray[n];
        biasAccumulators = new INDArray[n];
        try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (int i = 0; i < n; i++) {
                kernelAccumulators[i] = Nd4j.valueArrayOf(net.kernels[i].shape(), init, DataType.FLOAT);
                biasAccumulators[i] = Nd4j.valueArrayOf(net.biases[i].shape(), init, DataType.FLOAT);
            }
        }
    }

    @Override
    public double tablePenalty() {
        return tablePenalty(net, l2PerTable);
    }

    /** {@code l2 * sum W^2} over every table and kernel of {@code net}, at its current weights. */
    static double tablePenalty(TowerNet net, float l2PerTable) {
        if (l2PerTable == 0) {
            return 0;
        }
        double sum = 0;
        for (float[] table : net.tables.values()) {
            for (float v : table) {
                sum += (double) v * v;
            }
        }
        for (INDArray k : net.kernels) {
            double norm = k.norm2Number().doubleValue();
            sum += norm * norm;
        }
        return l2PerTable * sum;
    }

    @Override
    public void apply(TowerNet.Gradients g) {
        int d = net.spec.embeddingDim();
        for (var e : net.tables.entrySet()) {
            TowerNet.RowGradient rows = g.tables().get(e.getKey());
            float[] acc = tableAccumulators.get(e.getKey());
            if (l2PerTable > 0) {
                applyDense(e.getValue(), acc, rows, d);
            } else {
                applyRows(e.getValue(), acc, rows, d);
            }
        }
        if (g.scoreBias() != null) {
            applyRows(net.scoreBias, scoreBiasAccumulator, g.scoreBias(), 1);
        }
        for (int l = 0; l < net.kernels.length; l++) {
            INDArray gk = l2PerTable > 0 ? g.kernels()[l].add(net.kernels[l].mul(2 * l2PerTable)) : g.kernels()[l];
            update(net.kernels[l], kernelAccumulators[l], gk);
            update(net.biases[l], biasAccumulators[l], g.biases()[l]);
        }
    }

    @Override
    public InBatchSoftmax.RowsDone rowUpdate(int[] rows) {
        if (l2PerTable > 0 || net.tables.size() > 1 || net.scoreBias != null || net.kernels.length > 0) {
            return null;
        }
        int d = net.spec.embeddingDim();
        float[] accumulator = tableAccumulators.get(net.spec.embeddingName());
        return (grads, from, to) -> SparseAdagrad.apply(net.table, accumulator, rows, grads, d, lr, eps, from, to);
    }

    /** The distinct rows' update (duplicates were summed by the backward pass). */
    private void applyRows(float[] table, float[] accumulator, TowerNet.RowGradient g, int d) {
        int[] rows = g.rows();
        float[] grads = g.values();
        // each row's update reads and writes that row only, so the workers may share the rows out
        parallel.forEachRange(rows.length, ROWS_PER_WORKER,
                (from, to) -> SparseAdagrad.apply(table, accumulator, rows, grads, d, lr, eps, from, to));
    }

    private void applyDense(float[] table, float[] accumulator, TowerNet.RowGradient g, int d) {
        float[] grads = new float[table.length];
        for (int i = 0; i < table.length; i++) {
            grads[i] = 2 * l2PerTable * table[i];
        }
        int[] rows = g.rows();
        for (int i = 0; i < rows.length; i++) {
            for (int k = 0; k < d; k++) {
                grads[rows[i] * d + k] += g.values()[i * d + k];
            }
        }
        for (int i = 0; i < table.length; i++) {
            float acc = accumulator[i] + grads[i] * grads[i];
            accumulator[i] = acc;
            table[i] -= lr * grads[i] / ((float) Math.sqrt(acc) + eps);
        }
    }

    private void update(INDArray w, INDArray acc, INDArray g) {
        acc.addi(g.mul(g));
        w.subi(g.mul(lr).divi(Transforms.sqrt(acc, true).addi(eps)));
    }

    @Override
    public void close() {
        for (INDArray a : kernelAccumulators) {
            a.close();
        }
        for (INDArray a : biasAccumulators) {
            a.close();
        }
    }
}
