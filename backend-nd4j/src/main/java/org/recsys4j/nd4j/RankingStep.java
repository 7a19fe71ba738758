package org.recsys4j.nd4j;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recsys4j.spec.Optimizer;
import org.recsys4j.spec.RankingLoss;
import org.recsys4j.spec.RankingTask;
import org.recsys4j.spi.FeatureBatch;

/**
 * A Ranking task's share of a training step on ND4J: its head's input gathered per example from
 * its towers' passes over distinct rows, the head, the loss with Keras's reduction
 * ({@code sum_i w_i l_i / n}, times the task's weight), and the gradient summed back onto each
 * tower's distinct rows.
 */
final class RankingStep implements AutoCloseable {
    final RankingTask task;
    final HeadNet head;
    private final ArrayOptimizer optimizer;
    private Map<String, INDArray> pending;

    RankingStep(RankingTask task, HeadNet head, Optimizer optimizer) {
        this.task = task;
        this.head = head;
        this.optimizer = new ArrayOptimizer(optimizer, head.weights);
    }

    record Result(double loss, float[] outputs) {
    }

    /**
     * @param passes each input tower's pass over its distinct rows
     * @param exampleOf per tower, each example's row in its pass
     * @param gradOutputs per tower, the gradient of its pass's output; this task's share is added (a
     *     tower missing from it gets an entry)
     * @param backward whether to compute gradients (a training step) or only the loss
     */
    Result run(FeatureBatch batch, Map<String, TowerNet.Pass> passes, Map<String, int[]> exampleOf,
            Map<String, float[]> gradOutputs, boolean backward) {
        int n = batch.size();
        int width = head.inputDim;
        float[] x = new float[n * width];
        int offset = 0;
        for (String tower : task.inputs()) {
            TowerNet.Pass pass = passes.get(tower);
            float[] values = pass.values();
            int d = values.length / pass.rows.length;
            int[] of = exampleOf.get(tower);
            for (int i = 0; i < n; i++) {
                System.arraycopy(values, of[i] * d, x, i * width + offset, d);
            }
            offset += d;
        }
        HeadNet.Pass pass = head.forward(x, n);
        float[] outputs = pass.output;
        float[] labels = batch.features().values(task.label());
        float[] weights = batch.sampleWeights();
        double loss = 0;
        float[] grad = new float[n];
        float scale = (float) (task.weight() / n);
        for (int i = 0; i < n; i++) {
            double w = weights == null ? 1 : weights[i];
            double z = outputs[i];
            double y = labels[i];
            if (task.loss() == RankingLoss.MEAN_SQUARED_ERROR) {
                loss += w * (z - y) * (z - y);
                grad[i] = (float) (w * 2 * (z - y)) * scale;
            } else {
                loss += w * (Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z))));
                grad[i] = (float) (w * (1 / (1 + Math.exp(-z)) - y)) * scale;
            }
        }
        loss = n == 0 ? 0 : loss / n;
        if (backward) {
            HeadNet.Gradients g = head.backward(pass, grad);
            pending = g.weights();
            float[] gx = g.input();
            offset = 0;
            for (String tower : task.inputs()) {
                TowerNet.Pass p = passes.get(tower);
                int d = p.width();
                float[] into = gradOutputs.computeIfAbsent(tower, t -> new float[p.rows.length * d]);
                int[] of = exampleOf.get(tower);
                for (int i = 0; i < n; i++) {
                    int base = of[i] * d;
                    int from = i * width + offset;
                    for (int k = 0; k < d; k++) {
                        into[base + k] += gx[from + k];
                    }
                }
                offset += d;
            }
        }
        return new Result(loss, outputs);
    }

    /** Applies the head's update from the last {@link #run} with gradients. */
    void applyUpdate() {
        if (pending != null) {
            optimizer.apply(pending);
            pending = null;
        }
    }

    @Override
    public void close() {
        optimizer.close();
        head.close();
    }
}
