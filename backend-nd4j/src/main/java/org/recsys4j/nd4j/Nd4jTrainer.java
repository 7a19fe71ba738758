package org.recsys4j.nd4j;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.recsys4j.model.FloatTensor;
import org.recsys4j.model.Tower;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.spi.StepResult;
import org.recsys4j.spi.Trainer;
import org.recsys4j.task.DeduplicatedBatch;
import org.recsys4j.vocab.StringLookup;

/**
 * Trains a retrieval spec on ND4J with the gradients written out. Every tower a spec declares
 * maps one vocabulary row to one embedding, so by default a batch is collapsed to its distinct
 * users and titles ({@link DeduplicatedBatch}): the same loss and gradients from a matrix some
 * sixty times smaller. {@code collapse=false} computes the plain n x n formulation, in blocks.
 *
 * <p>Each step runs in a workspace: its arrays live in one native buffer that is reused by the
 * next step and freed when the trainer closes.
 */
final class Nd4jTrainer implements Trainer {
    private static final WorkspaceConfiguration STEP = WorkspaceConfiguration.builder()
            .initialSize(0).policyLearning(LearningPolicy.FIRST_LOOP)
            .policyAllocation(AllocationPolicy.OVERALLOCATE).overallocationLimit(0.25)
            .policySpill(SpillPolicy.REALLOCATE).build();
    static final int BLOCK_ROWS = 2048;

    private final RetrievalSpec spec;
    private final Adagrad optimizer;
    private final boolean collapse;
    private final String workspace = "recsys4j-nd4j-" + System.identityHashCode(this);
    private final TowerNet query;
    private final TowerNet candidate;
    private final AdagradState queryState;
    private final AdagradState candidateState;
    private final Nd4jTower queryTower;
    private final Nd4jTower candidateTower;

    Nd4jTrainer(RetrievalSpec spec, Map<String, StringLookup> vocabularies, Weights initial, Adagrad optimizer,
            boolean collapse) {
        initial.validate(spec);
        this.spec = spec;
        this.optimizer = optimizer;
        // hard-negative mining picks single columns: it needs one column per example
        this.collapse = collapse && spec.task().collapsible();
        this.query = new TowerNet(spec.query(), initial);
        this.candidate = new TowerNet(spec.candidate(), initial);
        this.queryState = new AdagradState(query, optimizer, spec.task().l2PerTable());
        this.candidateState = new AdagradState(candidate, optimizer, spec.task().l2PerTable());
        this.queryTower = new Nd4jTower(query, vocabularies.get(spec.query().feature()));
        this.candidateTower = new Nd4jTower(candidate, vocabularies.get(spec.candidate().feature()));
    }

    @Override
    public StepResult trainStep(FeatureBatch batch) {
        return step(batch, true);
    }

    @Override
    public StepResult testStep(FeatureBatch batch) {
        return step(batch, false);
    }

    private StepResult step(FeatureBatch batch, boolean update) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(STEP, workspace)) {
            Forward f = forward(batch);
            // reported at the weights the step starts from, as the loss is
            double regularization = f.regularization + queryState.tablePenalty() + candidateState.tablePenalty();
            if (update) {
                queryState.apply(f.query.rows, query.backward(f.query, f.softmax.gradQueries()));
                candidateState.apply(f.candidate.rows, candidate.backward(f.candidate, f.softmax.gradCandidates()));
            }
            return new StepResult(f.softmax.loss(), regularization);
        }
    }

    /** Both towers' passes over the batch's rows and the softmax on their outputs. */
    private record Forward(TowerNet.Pass query, TowerNet.Pass candidate, InBatchSoftmax.Result softmax,
            double regularization) {
    }

    private Forward forward(FeatureBatch batch) {
        DeduplicatedBatch p = DeduplicatedBatch.of(batch, spec.query().feature(), spec.candidate().feature(), collapse);
        // a column's weight: its occurrences, each 1/p under the logQ correction (logits lowered by log p)
        float[] counts = new float[p.columnLogWeight.length];
        for (int j = 0; j < counts.length; j++) {
            counts[j] = (float) Math.exp(p.columnLogWeight[j]);
        }
        TowerNet.Pass qPass = query.forward(p.queryRows);
        TowerNet.Pass cPass = candidate.forward(p.candidateRows);
        var task = spec.task();
        HardNegatives hard = task.numHardNegatives() > 0
                ? new HardNegatives(task.numHardNegatives(), p.candidateRows, task.removeAccidentalHits()) : null;
        // with hard negatives, the masks remove accidental hits; otherwise each example's softmax loses them
        float[] accidental = task.removeAccidentalHits() && hard == null ? p.accidentalHitWeight : null;
        InBatchSoftmax.Result r = InBatchSoftmax.compute(qPass.output, cPass.output, counts, p.queryWeight,
                p.queryOf, p.candidateOf, p.exampleWeight, task.temperature(), BLOCK_ROWS, accidental, hard);
        double l2 = spec.task().l2PerExample();
        double regularization = 0;
        if (l2 > 0) {
            // l2 * sum_i |q_i|^2 + |c_i|^2: each distinct row as often as it appears; gradient 2 l2 n q
            regularization = penalise(qPass.output, p.queryCount, l2, r.gradQueries())
                    + penalise(cPass.output, p.candidateCount, l2, r.gradCandidates());
        }
        return new Forward(qPass, cPass, new InBatchSoftmax.Result(r.loss() + p.positiveLogProbability,
                r.gradQueries(), r.gradCandidates()), regularization);
    }

    private static double penalise(org.nd4j.linalg.api.ndarray.INDArray rows, float[] counts, double l2,
            float[] grad) {
        float[] x = rows.dup('c').data().asFloat();
        int d = x.length / counts.length;
        double sum = 0;
        for (int r = 0; r < counts.length; r++) {
            for (int k = 0; k < d; k++) {
                float v = x[r * d + k];
                sum += (double) counts[r] * v * v;
                grad[r * d + k] += (float) (2 * l2 * counts[r] * v);
            }
        }
        return l2 * sum;
    }

    /** The loss and the gradient of every weight, without updating: for tests of the two paths. */
    Map<String, float[]> gradients(FeatureBatch batch, double[] lossOut) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(STEP, workspace)) {
            Forward f = forward(batch);
            lossOut[0] = f.softmax.loss();
            Map<String, float[]> out = new LinkedHashMap<>();
            collect(out, query, f.query.rows, query.backward(f.query, f.softmax.gradQueries()));
            collect(out, candidate, f.candidate.rows, candidate.backward(f.candidate, f.softmax.gradCandidates()));
            return out;
        }
    }

    private static void collect(Map<String, float[]> out, TowerNet net, int[] rows, TowerNet.Gradients g) {
        TowerSpec s = net.spec;
        int d = s.embeddingDim();
        float[] table = new float[s.vocabularySize() * d];
        for (int i = 0; i < rows.length; i++) {
            for (int k = 0; k < d; k++) {
                table[rows[i] * d + k] += g.rows()[i * d + k];
            }
        }
        out.put(s.embeddingName(), table);
        for (int l = 0; l < g.kernels().length; l++) {
            out.put(s.kernelName(l), g.kernels()[l].dup('c').data().asFloat());
            out.put(s.biasName(l), g.biases()[l].dup('c').data().asFloat());
        }
    }

    @Override
    public Tower queryTower() {
        return queryTower;
    }

    @Override
    public Tower candidateTower() {
        return candidateTower;
    }

    @Override
    public Weights weights() {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        addWeights(out, query);
        addWeights(out, candidate);
        return new Weights(out);
    }

    private static void addWeights(Map<String, FloatTensor> out, TowerNet net) {
        TowerSpec s = net.spec;
        out.put(s.embeddingName(), new FloatTensor(new int[] {s.vocabularySize(), s.embeddingDim()},
                net.table.clone()));
        int in = s.embeddingDim();
        for (int l = 0; l < net.kernels.length; l++) {
            int units = s.layers().get(l).units();
            out.put(s.kernelName(l), new FloatTensor(new int[] {in, units}, net.kernels[l].dup('c').data().asFloat()));
            out.put(s.biasName(l), new FloatTensor(new int[] {units}, net.biases[l].dup('c').data().asFloat()));
            in = units;
        }
    }

    @Override
    public void close() {
        Nd4j.getWorkspaceManager().destroyWorkspace(Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(workspace));
        query.close();
        candidate.close();
        queryState.close();
        candidateState.close();
    }

    /** Keras Adagrad's accumulators for one tower: a Java array for the table, ND4J for dense weights. */
    static final class AdagradState implements AutoCloseable {
        private final TowerNet net;
        private final float lr;
        private final float eps;
        private final float[] tableAccumulator;
        private final INDArray[] kernelAccumulators;
        private final INDArray[] biasAccumulators;
        private final float l2PerTable;

        AdagradState(TowerNet net, Adagrad optimizer, double l2PerTable) {
            this.net = net;
            this.l2PerTable = (float) l2PerTable;
            this.lr = (float) optimizer.learningRate();
            this.eps = (float) optimizer.epsilon();
            float init = (float) optimizer.initialAccumulatorValue();
            tableAccumulator = new float[net.table.length];
            java.util.Arrays.fill(tableAccumulator, init);
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

        /** {@code l2 * sum W^2} over the table and the kernels, at the current weights. */
        double tablePenalty() {
            if (l2PerTable == 0) {
                return 0;
            }
            double sum = 0;
            for (float v : net.table) {
                sum += (double) v * v;
            }
            for (INDArray k : net.kernels) {
                sum += k.norm2Number().doubleValue() * k.norm2Number().doubleValue();
            }
            return l2PerTable * sum;
        }

        /** Updates the gathered rows (summing duplicates first, as Keras does) and the dense weights. */
        void apply(int[] rows, TowerNet.Gradients g) {
            if (l2PerTable > 0) {
                applyDense(rows, g);
                return;
            }
            int d = net.spec.embeddingDim();
            float[] grads = g.rows();
            int[] distinct = rows;
            if (hasDuplicates(rows)) {
                DeduplicatedBatch u = DeduplicatedBatch.of(rows, rows, null);
                float[] summed = new float[u.queryRows.length * d];
                for (int i = 0; i < rows.length; i++) {
                    for (int k = 0; k < d; k++) {
                        summed[u.queryOf[i] * d + k] += grads[i * d + k];
                    }
                }
                distinct = u.queryRows;
                grads = summed;
            }
            float[] table = net.table;
            for (int i = 0; i < distinct.length; i++) {
                int base = distinct[i] * d;
                for (int k = 0; k < d; k++) {
                    float gk = grads[i * d + k];
                    float acc = tableAccumulator[base + k] + gk * gk;
                    tableAccumulator[base + k] = acc;
                    table[base + k] -= lr * gk / ((float) Math.sqrt(acc) + eps);
                }
            }
            for (int l = 0; l < net.kernels.length; l++) {
                update(net.kernels[l], kernelAccumulators[l], g.kernels()[l]);
                update(net.biases[l], biasAccumulators[l], g.biases()[l]);
            }
        }

        /** With a per-table L2 every row has a gradient (2 l2 W), so the whole table is updated. */
        private void applyDense(int[] rows, TowerNet.Gradients g) {
            int d = net.spec.embeddingDim();
            float[] table = net.table;
            float[] grads = new float[table.length];
            for (int i = 0; i < table.length; i++) {
                grads[i] = 2 * l2PerTable * table[i];
            }
            for (int i = 0; i < rows.length; i++) {
                for (int k = 0; k < d; k++) {
                    grads[rows[i] * d + k] += g.rows()[i * d + k];
                }
            }
            for (int i = 0; i < table.length; i++) {
                float acc = tableAccumulator[i] + grads[i] * grads[i];
                tableAccumulator[i] = acc;
                table[i] -= lr * grads[i] / ((float) Math.sqrt(acc) + eps);
            }
            for (int l = 0; l < net.kernels.length; l++) {
                update(net.kernels[l], kernelAccumulators[l], g.kernels()[l].add(net.kernels[l].mul(2 * l2PerTable)));
                update(net.biases[l], biasAccumulators[l], g.biases()[l]);
            }
        }

        private void update(INDArray w, INDArray acc, INDArray g) {
            acc.addi(g.mul(g));
            w.subi(g.mul(lr).divi(Transforms.sqrt(acc, true).addi(eps)));
        }

        private static boolean hasDuplicates(int[] rows) {
            java.util.BitSet seen = new java.util.BitSet();
            for (int r : rows) {
                if (seen.get(r)) {
                    return true;
                }
                seen.set(r);
            }
            return false;
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
}
