package org.recsys4j.nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
import org.recsys4j.spec.Adam;
import org.recsys4j.spec.ModelSpec;
import org.recsys4j.spec.Optimizer;
import org.recsys4j.spec.RankingTask;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTask;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.spi.StepResult;
import org.recsys4j.spi.Trainer;
import org.recsys4j.task.DeduplicatedBatch;
import org.recsys4j.vocab.StringLookup;

/**
 * Trains a model spec on ND4J with the gradients written out: its towers ({@link TowerNet}), the
 * Retrieval task's in-batch softmax ({@link InBatchSoftmax}), each Ranking task's head
 * ({@link HeadNet} and {@link RankingStep}), weighted and summed. Every tower a spec declares maps
 * one vocabulary row (with its context features, for a query) to one embedding, so by default a
 * batch is collapsed to its distinct queries and titles ({@link DeduplicatedBatch}): the same loss
 * and gradients from a matrix some sixty times smaller. {@code collapse=false} computes the plain
 * n x n formulation, in blocks. A retrieval-only spec trains exactly as it did before ranking heads.
 *
 * <p>Each step runs in a workspace: its arrays live in one native buffer that is reused by the
 * next step and freed when the trainer closes. The softmax's own buffers ({@link SoftmaxBuffers})
 * are kept from step to step too, and freed with it.
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

    private final ModelSpec model;
    /** The Retrieval task's towers and options, or null. */
    private final RetrievalSpec spec;
    private final RetrievalTask retrievalTask;
    private final boolean collapse;
    private final String workspace = "recsys4j-nd4j-" + System.identityHashCode(this);
    private final Map<String, TowerNet> nets = new LinkedHashMap<>();
    private final Map<String, TowerOptimizer> states = new LinkedHashMap<>();
    private final org.recsys4j.spi.ModelTowers modelTowers;
    private final List<RankingStep> rankings = new ArrayList<>();
    private final Parallel parallel;
    /** The Retrieval task's next batch, collapsed ahead ({@link #prefetch}); null without a Retrieval task. */
    private final org.recsys4j.task.DeduplicatedPrefetch prefetch;
    private final SoftmaxBuffers softmaxBuffers = new SoftmaxBuffers();
    private final org.recsys4j.spi.CloseGuard guard = new org.recsys4j.spi.CloseGuard("this ND4J trainer");

    /** @param workers the most threads that share out the softmax's row blocks */
    Nd4jTrainer(ModelSpec spec, Map<String, StringLookup> vocabularies, Weights initial, Optimizer optimizer,
            boolean collapse, int workers) {
        this(spec, vocabularies, initial, optimizer, collapse, new Parallel(workers, InBatchSoftmax.SCORES_PER_WORKER));
    }

    Nd4jTrainer(RetrievalSpec spec, Map<String, StringLookup> vocabularies, Weights initial, Adagrad optimizer,
            boolean collapse, int workers) {
        this(ModelSpec.of(spec), vocabularies, initial, optimizer, collapse, workers);
    }

    /** With a team of one's own: tests share even tiny steps out. */
    Nd4jTrainer(RetrievalSpec spec, Map<String, StringLookup> vocabularies, Weights initial, Adagrad optimizer,
            boolean collapse, Parallel parallel) {
        this(ModelSpec.of(spec), vocabularies, initial, optimizer, collapse, parallel);
    }

    Nd4jTrainer(ModelSpec spec, Map<String, StringLookup> vocabularies, Weights initial, Optimizer optimizer,
            boolean collapse, Parallel parallel) {
        initial.validate(spec);
        this.model = spec;
        this.spec = spec.retrieval();
        this.retrievalTask = spec.retrievalTask();
        // hard-negative mining picks single columns: it needs one column per example
        this.collapse = collapse && (this.spec == null || this.spec.task().collapsible());
        Map<String, Tower> towers = new LinkedHashMap<>();
        for (TowerSpec t : spec.towers()) {
            TowerNet net = new TowerNet(t, initial);
            nets.put(t.name(), net);
            // the per-table L2 is a Retrieval option: it covers the Retrieval task's towers
            boolean retrievalTower = retrievalTask != null
                    && (t.name().equals(retrievalTask.queryTower()) || t.name().equals(retrievalTask.candidateTower()));
            double l2 = retrievalTower ? this.spec.task().l2PerTable() : 0;
            states.put(t.name(), optimizer instanceof Adam adam ? new AdamState(net, adam, l2)
                    : new AdagradState(net, (Adagrad) optimizer, l2, parallel));
            towers.put(t.name(), new Nd4jTower(net, vocabularies.get(t.feature()), guard));
        }
        this.modelTowers = new org.recsys4j.spi.ModelTowers(spec, towers);
        for (RankingTask k : spec.rankingTasks()) {
            rankings.add(new RankingStep(k, new HeadNet(k, spec.inputDim(k), initial), optimizer));
        }
        this.parallel = parallel;
        this.prefetch = retrievalTask == null ? null
                : new org.recsys4j.task.DeduplicatedPrefetch(b -> DeduplicatedBatch.of(b, this.spec, this.collapse));
    }

    @Override
    public void prefetch(FeatureBatch next) {
        guard.check();
        if (prefetch != null) {
            prefetch.submit(next);
        }
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
            Map<String, TowerNet.Pass> passes = new LinkedHashMap<>();
            Map<String, int[]> exampleOf = new LinkedHashMap<>();
            Map<String, float[]> gradOutputs = new LinkedHashMap<>();
            java.util.Set<String> updated = java.util.Set.of();
            double loss = 0;
            double regularization = 0;
            if (spec != null) {
                Forward f = forward(batch, retrievalTask.weight(), update && rankings.isEmpty());
                passes.put(retrievalTask.queryTower(), f.query);
                passes.put(retrievalTask.candidateTower(), f.candidate);
                exampleOf.put(retrievalTask.queryTower(), f.batch.queryOf());
                exampleOf.put(retrievalTask.candidateTower(), f.batch.candidateOf());
                gradOutputs.put(retrievalTask.queryTower(), f.softmax.gradQueries());
                gradOutputs.put(retrievalTask.candidateTower(), f.softmax.gradCandidates());
                loss += retrievalTask.weight() * f.softmax.loss();
                regularization += f.regularization;
                updated = f.updated;
            }
            // reported at the weights the step starts from, as the loss is
            for (TowerOptimizer s : states.values()) {
                regularization += s.tablePenalty();
            }
            Map<String, float[]> outputs = new LinkedHashMap<>();
            for (RankingStep k : rankings) {
                for (String input : k.task.inputs()) {
                    if (!passes.containsKey(input)) {
                        var rows = org.recsys4j.model.DistinctRows.of(nets.get(input).spec, batch.features());
                        passes.put(input, nets.get(input).forward(rows.rows(), rows.context()));
                        exampleOf.put(input, rows.of());
                    }
                }
                RankingStep.Result r = k.run(batch, passes, exampleOf, gradOutputs, update);
                loss += k.task.weight() * r.loss();
                outputs.put(k.task.name(), r.outputs());
            }
            if (update) {
                for (var e : passes.entrySet()) {
                    if (updated.contains(e.getKey())) {
                        continue;
                    }
                    TowerNet net = nets.get(e.getKey());
                    float[] grad = gradOutputs.get(e.getKey());
                    if (grad == null) {
                        grad = new float[e.getValue().rows.length * net.spec.outputDim()];
                    }
                    states.get(e.getKey()).apply(net.backward(e.getValue(), grad));
                }
                rankings.forEach(RankingStep::applyUpdate);
            }
            return new StepResult(loss, regularization, outputs);
        }
    }

    /**
     * The Retrieval task's tower passes over the batch's rows and the softmax on their outputs, and
     * the towers whose update the softmax's workers already applied. The softmax's gradients lie in
     * its kept buffers: good until the next step.
     */
    private record Forward(DeduplicatedBatch batch, TowerNet.Pass query, TowerNet.Pass candidate,
            InBatchSoftmax.Result softmax, double regularization, java.util.Set<String> updated) {
    }

    /**
     * @param weight the Retrieval task's loss weight: it scales the softmax's gradients, not the L2's
     * @param update whether the step updates the towers and the softmax's gradients are all their update
     *     (no Ranking task adds to them): then a tower whose update is its id table's rows is updated by
     *     the softmax's workers, each as soon as its rows' gradient is final
     */
    private Forward forward(FeatureBatch batch, double weight, boolean update) {
        // a query is its row with its context: collapsing keys on both, and the pass reads both
        DeduplicatedBatch p = prefetch.take(batch);
        TowerNet query = nets.get(retrievalTask.queryTower());
        TowerNet candidate = nets.get(retrievalTask.candidateTower());
        TowerNet.Pass qPass = query.forward(p.queryRows(), p.queryContext());
        // candidates (extra negatives too) read only features derived from their rows
        TowerNet.Pass cPass = candidate.forward(p.candidateRows());
        // the softmax's gradients go to the optimizers as they are: no loss weight, no per-example L2 on them
        boolean fuse = update && weight == 1.0 && spec.task().l2PerExample() == 0;
        InBatchSoftmax.RowsDone queriesDone = fuse ? rowUpdate(retrievalTask.queryTower(), qPass) : null;
        InBatchSoftmax.RowsDone candidatesDone = fuse ? rowUpdate(retrievalTask.candidateTower(), cPass) : null;
        InBatchSoftmax.Result r = InBatchSoftmax.compute(qPass, cPass, p, spec.task(), BLOCK_ROWS, parallel,
                softmaxBuffers, queriesDone, candidatesDone);
        java.util.Set<String> updated = new java.util.HashSet<>();
        if (queriesDone != null) {
            updated.add(retrievalTask.queryTower());
        }
        if (candidatesDone != null) {
            updated.add(retrievalTask.candidateTower());
        }
        if (weight != 1.0) {
            scale(r.gradQueries(), qPass.rows.length * qPass.width(), (float) weight);
            scale(r.gradCandidates(), cPass.rows.length * cPass.width(), (float) weight);
        }
        double l2 = spec.task().l2PerExample();
        double regularization = 0;
        if (l2 > 0) {
            // l2 * sum_i |q_i|^2 + |c_i|^2: each distinct row as often as it appears; gradient 2 l2 n q
            regularization = penalise(qPass.values(), p.queryCount(), l2, r.gradQueries())
                    + penalise(cPass.values(), p.candidateCount(), l2, r.gradCandidates());
        }
        return new Forward(p, qPass, cPass, new InBatchSoftmax.Result(r.loss() + p.positiveLogProbability(),
                r.gradQueries(), r.gradCandidates()), regularization, updated);
    }

    /** The tower's optimizer step on the pass's rows, where their output gradient is all it needs; else null. */
    private InBatchSoftmax.RowsDone rowUpdate(String tower, TowerNet.Pass pass) {
        return nets.get(tower).outputIsTableRow(pass) ? states.get(tower).rowUpdate(pass.rows) : null;
    }

    /** The first n of x: the softmax's gradients lie in longer arrays. */
    private static void scale(float[] x, int n, float factor) {
        for (int i = 0; i < n; i++) {
            x[i] *= factor;
        }
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

    /** The Retrieval loss and the gradient of every tower weight, without updating: for tests of the two paths. */
    Map<String, float[]> gradients(FeatureBatch batch, double[] lossOut) {
        guard.check();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(STEP, workspace)) {
            Forward f = forward(batch, 1.0, false);
            lossOut[0] = f.softmax.loss();
            Map<String, float[]> out = new LinkedHashMap<>();
            TowerNet query = nets.get(retrievalTask.queryTower());
            TowerNet candidate = nets.get(retrievalTask.candidateTower());
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
        return modelTowers.retrieval(true);
    }

    @Override
    public Tower candidateTower() {
        return modelTowers.retrieval(false);
    }

    @Override
    public Tower tower(String name) {
        return modelTowers.get(name);
    }

    @Override
    public Weights weights() {
        guard.check();
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        nets.values().forEach(net -> addWeights(out, net));
        rankings.forEach(k -> k.head.addWeights(out));
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
        if (prefetch != null) {
            prefetch.close();
        }
        parallel.close();
        softmaxBuffers.close();
        Nd4j.getWorkspaceManager().destroyWorkspace(Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(workspace));
        nets.values().forEach(TowerNet::close);
        states.values().forEach(TowerOptimizer::close);
        rankings.forEach(RankingStep::close);
    }
}
