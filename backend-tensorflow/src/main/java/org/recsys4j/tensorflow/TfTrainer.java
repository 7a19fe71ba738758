package org.recsys4j.tensorflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.model.DistinctRows;
import org.recsys4j.model.FloatTensor;
import org.recsys4j.model.Tower;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.ModelSpec;
import org.recsys4j.spec.Optimizer;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTask;
import org.recsys4j.spec.TaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.spi.StepResult;
import org.recsys4j.spi.Trainer;
import org.recsys4j.task.DeduplicatedBatch;
import org.recsys4j.task.DeduplicatedPrefetch;
import org.recsys4j.vocab.StringLookup;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * A model spec compiled into one TensorFlow graph: its towers, each task's loss weighted and
 * summed (the Retrieval task's in-batch softmax, each Ranking task's head: {@link RankingHeads}),
 * the gradients, and the optimizer's updates ({@link OptimizerGraph}, at gathered rows where
 * {@link SparseRows} says, by used query blocks where {@link QueryBlockSteps} says). A
 * retrieval-only spec compiles to the retrieval graph alone.
 *
 * <p>Every tower runs once per distinct input of the batch: the Retrieval task's towers over the
 * {@link DeduplicatedBatch} rows, other towers over their own {@link DistinctRows}; a ranking head
 * gathers its towers' outputs back per example.
 */
final class TfTrainer implements Trainer {
    private final ModelSpec spec;
    private final Graph graph;
    private final Session session;
    private final Map<String, TowerGraph> towerGraphs = new LinkedHashMap<>();
    private final RetrievalTaskGraph retrieval;
    private final boolean collapse;
    private final boolean padShapes;
    private final RankingHeads heads;
    /** The heads' graphs, in the spec's order ({@link RankingHeads#tasks}). */
    private final List<RankingTaskGraph> rankings;
    private final Operand<TFloat32> loss;
    private final Operand<TFloat32> regularization;
    private final OptimizerGraph optimizer;
    private final org.recsys4j.spi.CloseGuard guard = new org.recsys4j.spi.CloseGuard("this TensorFlow trainer");
    private final org.recsys4j.spi.ModelTowers modelTowers;
    /** The Retrieval task's next batch, collapsed ahead; null without a Retrieval task. */
    private final DeduplicatedPrefetch prefetch;
    /** The loss and update a step runs, by how many query blocks hold rows. */
    private final QueryBlockSteps steps;
    /** Steps run again by the softmax kernel because the shifted logits' exps underflowed. */
    private long inexactSteps;
    /** Per-op times of the training steps, when traced. */
    private OpTimes opTimes;

    TfTrainer(RetrievalSpec spec, Map<String, StringLookup> vocabularies, Weights initial, Optimizer optimizer,
            SessionConfig config, boolean collapse) {
        this(ModelSpec.of(spec), vocabularies, initial, optimizer, config, collapse, true);
    }

    /** @param shiftedSoftmax whether a step with written-out gradients tries the shifted softmax first */
    TfTrainer(ModelSpec spec, Map<String, StringLookup> vocabularies, Weights initial, Optimizer optimizer,
            SessionConfig config, boolean collapse, boolean shiftedSoftmax) {
        initial.validate(spec);
        this.spec = spec;
        RetrievalSpec retrievalSpec = spec.retrieval();
        // hard-negative mining picks single columns: it needs one column per example
        this.collapse = collapse && (retrievalSpec == null || retrievalSpec.task().collapsible());
        this.padShapes = config.xla() && this.collapse;
        this.graph = new Graph();
        try {
            Ops tf = config.deviceSpec() != null ? Ops.create(graph).withDevice(config.deviceSpec())
                    : Ops.create(graph);
            for (TowerSpec t : spec.towers()) {
                towerGraphs.put(t.name(), new TowerGraph(tf, t));
            }
            Map<String, Variable<TFloat32>> byName = new LinkedHashMap<>();
            towerGraphs.values().forEach(g -> byName.putAll(g.variables));
            RetrievalTask r = spec.retrievalTask();
            retrieval = r == null ? null : new RetrievalTaskGraph(tf, retrievalSpec,
                    towerGraphs.get(r.queryTower()), towerGraphs.get(r.candidateTower()), byName);
            heads = new RankingHeads(tf, graph, spec, towerGraphs, retrieval, config.chunks(r == null));
            rankings = heads.tasks;
            rankings.forEach(k -> byName.putAll(k.variables));
            loss = tf.withName("model_loss").identity(sum(tf, weightedLosses(tf, false)));
            List<Operand<TFloat32>> losses = weightedLosses(tf, true);
            regularization = retrieval != null ? retrieval.regularization : tf.constant(0f);
            boolean perExampleL2 = retrievalSpec != null && retrievalSpec.task().l2PerExample() > 0;
            Operand<TFloat32> trained = sum(tf, losses);
            Operand<TFloat32> total = perExampleL2 ? tf.math.add(trained, retrieval.perExample) : trained;
            List<String> names = new ArrayList<>(byName.keySet());
            List<Variable<TFloat32>> variables = new ArrayList<>(byName.values());
            SparseRows sparse = new SparseRows(spec, retrieval, optimizer, this.collapse, padShapes, names);
            Output<?>[] xs = sparse.xs(variables);
            boolean writtenOut = QueryBlockSteps.allWrittenOut(spec, retrieval, sparse, xs.length, perExampleL2);
            Output<?>[] grads = writtenOut ? sparse.writtenOutGradients(RetrievalTaskGraph.BLOCKS, false) : null;
            if (grads == null) {
                grads = rankings.isEmpty() ? graph.addGradients(total.asOutput(), xs)
                        : heads.gradients(tf, losses, perExampleL2 ? retrieval.perExample : null, names, variables);
            }
            if (retrieval != null && !retrieval.tableRegularized.isEmpty()) {
                Operand<TFloat32> twiceL2 = tf.constant((float) (2 * retrievalSpec.task().l2PerTable()));
                for (int i = 0; i < grads.length; i++) {
                    if (retrieval.tableRegularized.contains(names.get(i))) {
                        @SuppressWarnings("unchecked")
                        Operand<TFloat32> g = (Operand<TFloat32>) grads[i];
                        grads[i] = tf.math.add(g, tf.math.mul(twiceL2, variables.get(i))).asOutput();
                    }
                }
            }
            List<Operand<TFloat32>> reported = new ArrayList<>(List.of(loss, regularization));
            rankings.forEach(k -> reported.add(k.outputs));
            this.optimizer = new OptimizerGraph(tf, OptimizerGraph.afterGradients(tf, grads, reported), optimizer,
                    variables, grads, sparse.rows());
            steps = writtenOut ? new QueryBlockSteps(tf, retrieval, sparse, this.optimizer, variables, loss,
                    regularization, shiftedSoftmax) : new QueryBlockSteps(loss, this.optimizer.train);
            session = new Session(graph, config.proto(spec.retrievalTask() == null));
            initialize(initial);
            Map<String, Tower> towers = new LinkedHashMap<>();
            for (TowerSpec t : spec.towers()) {
                towers.put(t.name(), tower(t, vocabularies.get(t.feature())));
            }
            modelTowers = new org.recsys4j.spi.ModelTowers(spec, towers);
            prefetch = retrieval == null ? null
                    : new DeduplicatedPrefetch(b -> DeduplicatedBatch.of(b, retrieval.spec, this.collapse));
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    /**
     * Each task's {@code weight * loss}, in the spec's order; a weight of 1 multiplies nothing.
     * {@code trained}: the Retrieval task's loss as differentiated ({@link RetrievalTaskGraph#trainedLoss}).
     */
    private List<Operand<TFloat32>> weightedLosses(Ops tf, boolean trained) {
        List<Operand<TFloat32>> out = new ArrayList<>();
        int k = 0;
        for (TaskSpec t : spec.tasks()) {
            Operand<TFloat32> l = t instanceof RetrievalTask ? (trained ? retrieval.trainedLoss : retrieval.loss)
                    : rankings.get(k++).loss;
            out.add(t.weight() == 1.0 ? l : tf.math.mul(tf.constant((float) t.weight()), l));
        }
        return out;
    }

    private static Operand<TFloat32> sum(Ops tf, List<Operand<TFloat32>> terms) {
        Operand<TFloat32> sum = terms.get(0);
        for (int i = 1; i < terms.size(); i++) {
            sum = tf.math.add(sum, terms.get(i));
        }
        return sum;
    }

    private void initialize(Weights initial) {
        List<Tensor> owned = new ArrayList<>();
        try {
            Session.Runner init = session.runner();
            towerGraphs.values().forEach(g -> g.feedInitial(init, initial, owned));
            rankings.forEach(k -> k.feedInitial(init, initial, owned));
            optimizer.slotInits.forEach(init::addTarget);
            init.run().close();
        } finally {
            owned.forEach(Tensor::close);
        }
    }

    private TfTower tower(TowerSpec t, StringLookup vocabulary) {
        RetrievalTask r = spec.retrievalTask();
        if (r != null && t.name().equals(r.queryTower())) {
            return new TfTower(t, vocabulary, session, retrieval.queryRows, retrieval.queryContext, retrieval.queryOut,
                    guard);
        }
        if (r != null && t.name().equals(r.candidateTower())) {
            return new TfTower(t, vocabulary, session, retrieval.candidateRows, Map.of(), retrieval.candidateOut,
                    guard);
        }
        RankingHeads.OwnRows own = heads.ownRows(t.name());
        return new TfTower(t, vocabulary, session, own.rows(), own.context(), own.out(), guard);
    }

    /** Feeds the batch; returns how many query blocks hold rows ({@link RetrievalTaskGraph#feed}). */
    private int feed(Session.Runner runner, FeatureBatch batch, List<Tensor> owned) {
        int blocks = RetrievalTaskGraph.BLOCKS;
        if (retrieval != null) {
            blocks = retrieval.feed(runner, prefetch.take(batch), padShapes, owned);
        }
        heads.feed(runner, batch, owned);
        return blocks;
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
        if (steps.triesShifted()) {
            StepResult r = step(batch, update, true);
            if (r != null) {
                return r;
            }
            inexactSteps++;
        }
        return step(batch, update, false);
    }

    /** One run of the step; with {@code shifted} logits null when they were not exact (nothing changed then). */
    private StepResult step(FeatureBatch batch, boolean update, boolean shifted) {
        List<Tensor> owned = new ArrayList<>();
        try {
            Session.Runner runner = session.runner();
            int blocks = feed(runner, batch, owned);
            // only the blocks that hold rows run, when the graph has their own loss and update
            runner.fetch(steps.loss(blocks, shifted)).fetch(regularization);
            rankings.forEach(k -> runner.fetch(k.outputs));
            if (shifted) {
                runner.fetch(steps.exact(blocks));
            }
            if (update) {
                optimizer.feedUpdate(runner, owned);
                runner.addTarget(steps.train(blocks, shifted));
            }
            boolean traced = opTimes != null && update;
            if (traced) {
                runner.setOptions(OpTimes.FULL_TRACE);
            }
            try (Result r = traced ? runner.runAndFetchMetadata() : runner.run()) {
                if (traced) {
                    opTimes.add(r.getMetadata().orElseThrow());
                }
                if (shifted && !((org.tensorflow.types.TBool) r.get(2 + rankings.size())).getBoolean()) {
                    return null;
                }
                Map<String, float[]> outputs = new LinkedHashMap<>();
                for (int k = 0; k < rankings.size(); k++) {
                    outputs.put(rankings.get(k).task.name(), Tensors.floats(r.get(2 + k)));
                }
                return new StepResult(Tensors.scalar(r.get(0)), Tensors.scalar(r.get(1)), outputs);
            }
        } finally {
            owned.forEach(Tensor::close);
        }
    }

    /** Steps run again by the softmax kernel because the shifted logits' exps underflowed (for tests). */
    long inexactSteps() {
        return inexactSteps;
    }

    /** From now on each training step runs traced; {@link #close} prints the per-op summary. */
    void trace() {
        opTimes = new OpTimes();
    }

    /** The traced steps' per-op summary, or null when not traced. */
    String opTimesSummary() {
        return opTimes == null ? null : opTimes.summary();
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
        Map<String, Variable<TFloat32>> all = new LinkedHashMap<>();
        towerGraphs.values().forEach(g -> all.putAll(g.variables));
        rankings.forEach(k -> all.putAll(k.variables));
        Session.Runner runner = session.runner();
        all.values().forEach(runner::fetch);
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        try (Result r = runner.run()) {
            int i = 0;
            for (String name : all.keySet()) {
                out.put(name, Tensors.floatTensor(r.get(i++)));
            }
        }
        return new Weights(out);
    }

    @Override
    public void close() {
        if (!guard.close()) {
            return;
        }
        if (opTimes != null) {
            System.err.print(opTimes.summary());
        }
        try {
            if (prefetch != null) {
                prefetch.close();
            }
            session.close();
        } finally {
            graph.close();
        }
    }
}
