package org.recsys4j.nd4j;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;
import org.recsys4j.model.FloatTensor;
import org.recsys4j.model.Tower;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.CloseGuard;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.spi.StepResult;
import org.recsys4j.spi.Trainer;
import org.recsys4j.task.DeduplicatedBatch;
import org.recsys4j.vocab.StringLookup;

/**
 * Trains a retrieval spec on ND4J with the gradients written out. Every tower a spec declares
 * maps one vocabulary row (with its context features, for a query) to one embedding, so by
 * default a batch is collapsed to its distinct queries and titles ({@link DeduplicatedBatch}):
 * the same loss and gradients from a matrix some sixty times smaller. {@code collapse=false}
 * computes the plain n x n formulation, in blocks.
 *
 * <p>Each step runs in a workspace: its arrays live in one native buffer that is reused by the
 * next step and freed when the trainer closes.
 */
final class Nd4jTrainer implements Trainer {
    private static final WorkspaceConfiguration STEP = WorkspaceConfiguration.builder()
            .initialSize(0).policyLearning(LearningPolicy.FIRST_LOOP)
            .policyAllocation(AllocationPolicy.OVERALLOCATE).overallocationLimit(0.25)
            .policySpill(SpillPolicy.REALLOCATE).build();
    /**
     * Query rows per softmax block. A block's scores are passed over four times (product in, exp,
     * two products out), so they should stay in cache: 128 rows of 8192 candidates
     * are 4 MB. Measured per query row on one core here: 28 us at 128 rows against 58 us at 2048
     * (plain batch), and 3.2 us against 3.9 us at 900 (collapsed, 1,200 titles).
     */
    static final int BLOCK_ROWS = 128;

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
    private final Parallel parallel;
    private final CloseGuard guard = new CloseGuard("this ND4J trainer");

    /** @param workers the most threads that share out the softmax's row blocks */
    Nd4jTrainer(RetrievalSpec spec, Map<String, StringLookup> vocabularies, Weights initial, Adagrad optimizer,
            boolean collapse, int workers) {
        this(spec, vocabularies, initial, optimizer, collapse, new Parallel(workers, InBatchSoftmax.SCORES_PER_WORKER));
    }

    /** With a team of one's own: tests share even tiny steps out. */
    Nd4jTrainer(RetrievalSpec spec, Map<String, StringLookup> vocabularies, Weights initial, Adagrad optimizer,
            boolean collapse, Parallel parallel) {
        initial.validate(spec);
        this.spec = spec;
        this.optimizer = optimizer;
        // hard-negative mining picks single columns: it needs one column per example
        this.collapse = collapse && spec.task().collapsible();
        this.query = new TowerNet(spec.query(), initial);
        this.candidate = new TowerNet(spec.candidate(), initial);
        this.queryState = new AdagradState(query, optimizer, spec.task().l2PerTable());
        this.candidateState = new AdagradState(candidate, optimizer, spec.task().l2PerTable());
        this.queryTower = new Nd4jTower(query, vocabularies.get(spec.query().feature()), guard);
        this.candidateTower = new Nd4jTower(candidate, vocabularies.get(spec.candidate().feature()), guard);
        this.parallel = parallel;
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
        guard.check();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(STEP, workspace)) {
            Forward f = forward(batch);
            // reported at the weights the step starts from, as the loss is
            double regularization = f.regularization + queryState.tablePenalty() + candidateState.tablePenalty();
            if (update) {
                queryState.apply(query.backward(f.query, f.softmax.gradQueries()));
                candidateState.apply(candidate.backward(f.candidate, f.softmax.gradCandidates()));
            }
            return new StepResult(f.softmax.loss(), regularization);
        }
    }

    /** Both towers' passes over the batch's rows and the softmax on their outputs. */
    private record Forward(TowerNet.Pass query, TowerNet.Pass candidate, InBatchSoftmax.Result softmax,
            double regularization) {
    }

    private Forward forward(FeatureBatch batch) {
        // a query is its row with its context: collapsing keys on both, and the pass reads both
        DeduplicatedBatch p = DeduplicatedBatch.of(batch, spec, collapse);
        TowerNet.Pass qPass = query.forward(p.queryRows(), p.queryContext());
        // candidates (extra negatives too) read only features derived from their rows
        TowerNet.Pass cPass = candidate.forward(p.candidateRows());
        InBatchSoftmax.Result r = InBatchSoftmax.compute(qPass, cPass, p, spec.task(), BLOCK_ROWS, parallel);
        double l2 = spec.task().l2PerExample();
        double regularization = 0;
        if (l2 > 0) {
            // l2 * sum_i |q_i|^2 + |c_i|^2: each distinct row as often as it appears; gradient 2 l2 n q
            regularization = penalise(qPass.values(), p.queryCount(), l2, r.gradQueries())
                    + penalise(cPass.values(), p.candidateCount(), l2, r.gradCandidates());
        }
        return new Forward(qPass, cPass, new InBatchSoftmax.Result(r.loss() + p.positiveLogProbability(),
                r.gradQueries(), r.gradCandidates()), regularization);
    }

    private static double penalise(float[] x, float[] counts, double l2, float[] grad) {
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
        guard.check();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(STEP, workspace)) {
            Forward f = forward(batch);
            lossOut[0] = f.softmax.loss();
            Map<String, float[]> out = new LinkedHashMap<>();
            collect(out, query, query.backward(f.query, f.softmax.gradQueries()));
            collect(out, candidate, candidate.backward(f.candidate, f.softmax.gradCandidates()));
            return out;
        }
    }

    /** Every table's gradient written out dense, then the dense layers'. */
    private static void collect(Map<String, float[]> out, TowerNet net, TowerNet.Gradients g) {
        TowerSpec s = net.spec;
        int d = s.embeddingDim();
        g.tables().forEach((name, rows) -> {
            float[] table = new float[net.tables.get(name).length];
            for (int i = 0; i < rows.rows().length; i++) {
                System.arraycopy(rows.values(), i * d, table, rows.rows()[i] * d, d);
            }
            out.put(name, table);
        });
        for (int l = 0; l < g.kernels().length; l++) {
            out.put(s.kernelName(l), g.kernels()[l].dup('c').data().asFloat());
            out.put(s.biasName(l), g.biases()[l].dup('c').data().asFloat());
        }
        if (net.scoreBias != null) {
            float[] bias = new float[net.scoreBias.length];
            for (int i = 0; i < g.scoreBias().rows().length; i++) {
                bias[g.scoreBias().rows()[i]] = g.scoreBias().values()[i];
            }
            out.put(s.scoreBiasName(), bias);
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
        guard.check();
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        addWeights(out, query);
        addWeights(out, candidate);
        return new Weights(out);
    }

    /** The tower's weights in {@link TowerSpec#weightShapes()} order: its tables, then its dense layers. */
    private static void addWeights(Map<String, FloatTensor> out, TowerNet net) {
        TowerSpec s = net.spec;
        Map<String, int[]> shapes = s.weightShapes();
        net.tables.forEach((name, table) -> out.put(name, new FloatTensor(shapes.get(name), table.clone())));
        int in = s.embeddingDim();
        for (int l = 0; l < net.kernels.length; l++) {
            int units = s.layers().get(l).units();
            out.put(s.kernelName(l), new FloatTensor(new int[] {in, units}, net.kernels[l].dup('c').data().asFloat()));
            out.put(s.biasName(l), new FloatTensor(new int[] {units}, net.biases[l].dup('c').data().asFloat()));
            in = units;
        }
        if (net.scoreBias != null) {
            out.put(s.scoreBiasName(), new FloatTensor(new int[] {s.vocabularySize(), 1}, net.scoreBias.clone()));
        }
    }

    @Override
    public void close() {
        if (!guard.close()) {
            return;
        }
        parallel.close();
        Nd4j.getWorkspaceManager().destroyWorkspace(Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(workspace));
        query.close();
        candidate.close();
        queryState.close();
        candidateState.close();
    }
}
