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
import org.recsys4j.spec.RankingTask;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTask;
import org.recsys4j.spec.TaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.spi.StepResult;
import org.recsys4j.spi.Trainer;
import org.recsys4j.task.DeduplicatedBatch;
import org.recsys4j.vocab.StringLookup;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A model spec compiled into one TensorFlow graph: its towers, each task's loss weighted and
 * summed (the Retrieval task's in-batch softmax, each Ranking task's head), the gradients, and the
 * optimizer's updates ({@link OptimizerGraph}). A retrieval-only spec compiles to the retrieval
 * graph alone.
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
    /** Towers the Retrieval task does not run, fed their own distinct rows. */
    private final Map<String, OwnRows> ownRows = new LinkedHashMap<>();
    private final List<RankingTaskGraph> rankings = new ArrayList<>();
    private final Operand<TFloat32> loss;
    private final Operand<TFloat32> regularization;
    private final OptimizerGraph optimizer;
    private final org.recsys4j.spi.CloseGuard guard = new org.recsys4j.spi.CloseGuard("this TensorFlow trainer");
    private final org.recsys4j.spi.ModelTowers modelTowers;
    /** The Retrieval task's next batch, collapsed ahead; null without a Retrieval task. */
    private final DeduplicatedPrefetch prefetch;
    /**
     * When the gradients are all written out: the model's loss and the optimizer's update from the
     * first k query blocks alone, at index k - 1, for steps whose other blocks are empty
     * ({@link RetrievalTaskGraph#lossOfFirst}); else empty, and every step runs all the blocks.
     */
    private final List<Operand<TFloat32>> lossOfFirst = new ArrayList<>();
    private final List<Op> trainOfFirst = new ArrayList<>();
    /**
     * The same with the softmax from shifted logits ({@link BlockedSoftmaxGraph}), and whether its
     * values are exact: an update that is not exact changes nothing (its gradients are zeros), and
     * the step is run again by {@link #lossOfFirst}. Empty where {@link #lossOfFirst} is.
     */
    private final List<Operand<TFloat32>> shiftedLossOfFirst = new ArrayList<>();
    private final List<Op> shiftedTrainOfFirst = new ArrayList<>();
    private final List<Operand<org.tensorflow.types.TBool>> exactOfFirst = new ArrayList<>();
    /** Steps run again by the softmax kernel because the shifted logits' exps underflowed. */
    private long inexactSteps;
    /** Per-op times of the training steps, when traced. */
    private OpTimes opTimes;
    /** The example weights of a batch without them, kept from step to step (a step allocates what it must). */
    private float[] ones = new float[0];

    /** A tower's own inputs: its distinct rows and context, each example's position among them, and its output. */
    private record OwnRows(Placeholder<TInt32> rows, Map<String, Placeholder<?>> context, Placeholder<TInt32> of,
            Operand<TFloat32> out) {
    }

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
            RowChunks chunks = null;
            for (RankingTask k : spec.rankingTasks()) {
                List<ExampleRows> sources = new ArrayList<>();
                for (String name : k.inputs()) {
                    sources.add(exampleRows(tf, name));
                }
                if (chunks == null) {
                    chunks = new RowChunks(tf, config.chunks(r == null), tf.size(sources.get(0).index()));
                }
                List<List<Operand<TFloat32>>> chunkInputs = r == null ? joinedLookups(tf, k, chunks) : null;
                if (chunkInputs == null) {
                    chunkInputs = new ArrayList<>();
                    for (int c = 0; c < chunks.count; c++) {
                        chunkInputs.add(new ArrayList<>());
                    }
                    for (ExampleRows source : sources) {
                        List<Operand<TInt32>> parts = chunks.split(tf, source.index());
                        for (int c = 0; c < chunks.count; c++) {
                            chunkInputs.get(c).add(source.read().apply(parts.get(c)));
                        }
                    }
                }
                RankingTaskGraph g = RankingTaskGraph.training(tf, k, spec.inputDim(k), chunkInputs, chunks);
                rankings.add(g);
                byName.putAll(g.variables);
            }
            loss = tf.withName("model_loss").identity(sum(tf, weightedLosses(tf, false)));
            List<Operand<TFloat32>> losses = weightedLosses(tf, true);
            regularization = retrieval != null ? retrieval.regularization : tf.constant(0f);
            boolean perExampleL2 = retrievalSpec != null && retrievalSpec.task().l2PerExample() > 0;
            Operand<TFloat32> trained = sum(tf, losses);
            Operand<TFloat32> total = perExampleL2 ? tf.math.add(trained, retrieval.perExample) : trained;
            List<String> names = new ArrayList<>(byName.keySet());
            List<Variable<TFloat32>> variables = new ArrayList<>(byName.values());
            Map<Integer, SparseRows> sparse = sparseRows(optimizer, names);
            Output<?>[] xs = new Output<?>[variables.size()];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = sparse.containsKey(i) ? sparse.get(i).out().asOutput() : variables.get(i).asOutput();
            }
            boolean writtenOut = allWrittenOut(sparse, xs.length, perExampleL2);
            Output<?>[] grads = writtenOut ? writtenOutGradients(sparse, xs.length, RetrievalTaskGraph.BLOCKS, false)
                    : null;
            if (grads == null) {
                grads = rankings.isEmpty() ? graph.addGradients(total.asOutput(), xs)
                        : gradients(tf, losses, perExampleL2 ? retrieval.perExample : null, names, variables);
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
            Map<Integer, Operand<TInt32>> sparseIndices = new LinkedHashMap<>();
            sparse.forEach((i, rows) -> sparseIndices.put(i, rows.rows()));
            this.optimizer = new OptimizerGraph(tf, afterGradients(tf, grads, loss), optimizer, variables, grads,
                    sparseIndices);
            for (int k = 1; writtenOut && k <= RetrievalTaskGraph.BLOCKS; k++) {
                Operand<TFloat32> l = k == RetrievalTaskGraph.BLOCKS ? loss : retrieval.lossOfFirst.get(k - 1);
                Output<?>[] g = writtenOutGradients(sparse, xs.length, k, false);
                lossOfFirst.add(l);
                trainOfFirst.add(k == RetrievalTaskGraph.BLOCKS ? this.optimizer.train
                        : this.optimizer.adagrad(tf, afterGradients(tf, g, l), variables, g, sparseIndices));
                if (!shiftedSoftmax) {
                    continue;
                }
                Operand<org.tensorflow.types.TBool> exact = retrieval.exactOfFirst.get(k - 1);
                Operand<TFloat32> shiftedLoss = retrieval.shiftedLossOfFirst.get(k - 1);
                Output<?>[] shifted = writtenOutGradients(sparse, xs.length, k, true);
                for (int i = 0; i < shifted.length; i++) {
                    @SuppressWarnings("unchecked")
                    Operand<TFloat32> gi = (Operand<TFloat32>) shifted[i];
                    shifted[i] = tf.select(exact, gi, tf.zerosLike(gi)).asOutput();
                }
                exactOfFirst.add(exact);
                shiftedLossOfFirst.add(shiftedLoss);
                shiftedTrainOfFirst.add(this.optimizer.adagrad(tf, afterGradients(tf, shifted, shiftedLoss), variables,
                        shifted, sparseIndices));
            }
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

    /** A table whose gradient is taken as that of its gathered rows {@code out}, at distinct {@code rows}. */
    private record SparseRows(Operand<TFloat32> out, Operand<TInt32> rows) {
    }

    /**
     * The embedding tables that Adagrad updates row by row, by their index in {@code names}: those
     * of the Retrieval task's towers that are a lookup alone, in a retrieval-only model whose
     * collapsed batches feed distinct rows, unpadded, and whose tables carry no L2 of their own.
     * Their gradient is the gradient of the gathered rows, and only those rows change, as under a
     * dense update whose other rows' gradient is 0 (Keras's sparse Adagrad); the dense form would
     * read and write the whole table and its accumulator every step.
     */
    private Map<Integer, SparseRows> sparseRows(Optimizer optimizer, List<String> names) {
        Map<Integer, SparseRows> out = new LinkedHashMap<>();
        RetrievalTask r = spec.retrievalTask();
        if (!(optimizer instanceof org.recsys4j.spec.Adagrad) || r == null || !rankings.isEmpty() || !collapse
                || padShapes) {
            return out;
        }
        for (TowerSpec t : List.of(spec.tower(r.queryTower()), spec.tower(r.candidateTower()))) {
            if (lookupOnly(t) && !retrieval.tableRegularized.contains(t.embeddingName())) {
                boolean query = t.name().equals(r.queryTower());
                out.put(names.indexOf(t.embeddingName()), query
                        ? new SparseRows(retrieval.queryOut, retrieval.queryRows)
                        : new SparseRows(retrieval.candidateOut, retrieval.candidateRows));
            }
        }
        return out;
    }

    /**
     * Whether the gradients the loss graph writes out are all there is: a Retrieval task alone,
     * weighted 1, its softmax in blocks, without per-example L2, over tables that are each updated
     * at their gathered rows. TensorFlow's derivative of the term that seeds them would be each of
     * them times 1, computed with a broadcast and a product over every row.
     */
    private boolean allWrittenOut(Map<Integer, SparseRows> sparse, int variables, boolean perExampleL2) {
        return retrieval != null && retrieval.gradQ != null && rankings.isEmpty() && !perExampleL2
                && sparse.size() == variables && spec.retrievalTask().weight() == 1.0;
    }

    /** The written-out gradients of the first {@code blocks} query blocks, by variable, of either softmax. */
    private Output<?>[] writtenOutGradients(Map<Integer, SparseRows> sparse, int variables, int blocks,
            boolean shifted) {
        Output<?>[] out = new Output<?>[variables];
        sparse.forEach((i, rows) -> out[i] = (rows.out() == retrieval.queryOut
                ? (shifted ? retrieval.shiftedGradQOfFirst : retrieval.gradQOfFirst)
                : (shifted ? retrieval.shiftedGradCOfFirst : retrieval.gradCOfFirst)).get(blocks - 1).asOutput());
        return out;
    }

    /**
     * Ops that run once {@code grads}, the reported {@code loss}, the regularization and the ranking
     * outputs are computed: variables are read by reference, so a kernel's update must not run
     * before the backward pass has read it, nor before the reported values are computed from it.
     */
    private Ops afterGradients(Ops tf, Output<?>[] grads, Operand<TFloat32> loss) {
        List<Op> done = new ArrayList<>();
        for (Output<?> g : grads) {
            done.add(tf.identity(g));
        }
        done.add(tf.identity(loss));
        done.add(tf.identity(regularization));
        rankings.forEach(k -> done.add(tf.identity(k.outputs)));
        return tf.withControlDependencies(done);
    }

    /**
     * A tower's output per example, as an index vector with one entry per example and what turns
     * any part of that vector into the tower's output rows: a gather from the Retrieval task's
     * distinct rows when it runs the tower, else from the tower's own distinct rows, or (an
     * embedding lookup alone) the lookup of the examples' own rows.
     */
    private record ExampleRows(Operand<TInt32> index, java.util.function.Function<Operand<TInt32>,
            Operand<TFloat32>> read) {
    }

    private ExampleRows exampleRows(Ops tf, String tower) {
        RetrievalTask r = spec.retrievalTask();
        if (r != null && tower.equals(r.queryTower())) {
            return new ExampleRows(retrieval.pairQuery, of -> RankingTaskGraph.perExample(tf, retrieval.queryOut, of));
        }
        if (r != null && tower.equals(r.candidateTower())) {
            return new ExampleRows(retrieval.pairCandidate,
                    of -> RankingTaskGraph.perExample(tf, retrieval.candidateOut, of));
        }
        OwnRows own = ownRows.computeIfAbsent(tower, name -> {
            TowerSpec t = spec.tower(name);
            Placeholder<TInt32> rows = tf.withName(name + "_rows").placeholder(TInt32.class,
                    Placeholder.shape(Shape.of(-1)));
            // an embedding lookup alone gains nothing from distinct rows: it reads each example's row
            // directly, one gather forward and one segment sum back instead of two each
            Placeholder<TInt32> of = lookupOnly(t) ? null : tf.withName(name + "_of").placeholder(TInt32.class,
                    Placeholder.shape(Shape.of(-1)));
            Map<String, Placeholder<?>> context = TowerGraph.contextPlaceholders(tf, t, name + "_");
            return new OwnRows(rows, context, of, towerGraphs.get(name).forward(tf, rows, context));
        });
        TowerGraph g = towerGraphs.get(tower);
        return own.of() == null ? new ExampleRows(own.rows(),
                rows -> rows == own.rows() ? own.out() : g.forward(tf, rows))
                : new ExampleRows(own.of(), of -> RankingTaskGraph.perExample(tf, own.out(), of));
    }

    /**
     * Each chunk's head input as one gather, when the head reads two or more plain lookups of one
     * width at each example's own rows (after {@link #exampleRows} made their row placeholders): the
     * tables stacked into one, each example's rows in it side by side ({@code [n, inputs]}), and a
     * chunk's {@code [rows, inputs, width]} gather seen as {@code [rows, inputs * width]}, which is
     * the lookups' concatenation, the same floats. That saves each chunk a gather per input, and
     * backward a slice and a segment sum per input (with their shape bookkeeping): TensorFlow's
     * gradient of the one gather is one segment sum onto the stacked tables, whose rows each get
     * their examples' terms in the same order as before. Null where the head's inputs are anything
     * else.
     */
    private List<List<Operand<TFloat32>>> joinedLookups(Ops tf, RankingTask k, RowChunks chunks) {
        List<TowerSpec> towers = k.inputs().stream().map(spec::tower).toList();
        int width = towers.get(0).embeddingDim();
        if (towers.size() < 2 || !towers.stream().allMatch(t -> lookupOnly(t) && t.embeddingDim() == width)) {
            return null;
        }
        Ops scope = tf.withSubScope(k.name() + "_lookups");
        List<Operand<TFloat32>> tables = new ArrayList<>();
        List<Operand<TInt32>> rows = new ArrayList<>();
        int offset = 0;
        for (TowerSpec t : towers) {
            tables.add(towerGraphs.get(t.name()).variables.get(t.embeddingName()));
            Operand<TInt32> own = ownRows.get(t.name()).rows();
            rows.add(offset == 0 ? own : scope.math.add(own, scope.constant(offset)));
            offset += t.vocabularySize();
        }
        Operand<TFloat32> table = scope.concat(tables, scope.constant(0));
        Operand<TInt32> both = scope.stack(rows, org.tensorflow.op.core.Stack.axis(1L));
        Operand<TInt32> shape = scope.constant(new int[] {-1, towers.size() * width});
        List<List<Operand<TFloat32>>> out = new ArrayList<>();
        for (Operand<TInt32> part : chunks.split(scope, both)) {
            out.add(List.of(scope.reshape(scope.gather(table, part, scope.constant(0)), shape)));
        }
        return out;
    }

    /** Whether the tower is a plain embedding lookup: no features, dense layers, bias column or normalisation. */
    private static boolean lookupOnly(TowerSpec t) {
        return t.features().isEmpty() && t.layers().isEmpty() && !t.normalize()
                && t.outputBias() == org.recsys4j.spec.OutputBias.NONE;
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

    /**
     * The gradients of a model with ranking heads: each head's trailing dense layers by hand
     * ({@link RankingTaskGraph#backward}, from the weighted loss's gradient with respect to the
     * head's outputs: {@link RankingTaskGraph#outputGradients}, or TensorFlow's), everything else
     * (towers, cross layers, the Retrieval task) by TensorFlow from the Retrieval task's weighted
     * loss and {@code extra}, and from each head's dense input with its hand-made gradient.
     */
    @SuppressWarnings("unchecked")
    private Output<?>[] gradients(Ops tf, List<Operand<TFloat32>> losses, Operand<TFloat32> extra,
            List<String> names, List<Variable<TFloat32>> variables) {
        Map<String, Operand<TFloat32>> byHand = new LinkedHashMap<>();
        List<Output<?>> ys = new ArrayList<>();
        List<Output<?>> dys = new ArrayList<>();
        Operand<TFloat32> one = tf.constant(1f);
        if (extra != null) {
            ys.add(extra.asOutput());
            dys.add(one.asOutput());
        }
        int r = 0;
        for (int i = 0; i < losses.size(); i++) {
            Operand<TFloat32> l = losses.get(i);
            RankingTaskGraph k = spec.tasks().get(i) instanceof RankingTask ? rankings.get(r++) : null;
            if (k == null || !k.endsDense()) {
                ys.add(l.asOutput());
                dys.add(one.asOutput());
                continue;
            }
            List<Operand<TFloat32>> dOutputs = k.outputGradients(tf, spec.tasks().get(i).weight());
            if (dOutputs == null) {
                dOutputs = new ArrayList<>();
                for (Output<?> d : graph.addGradients(null, new Output<?>[] {l.asOutput()},
                        k.chunkOutputs().stream().map(Operand::asOutput).toArray(Output<?>[]::new), null)) {
                    dOutputs.add((Operand<TFloat32>) d);
                }
            }
            k.backward(tf, dOutputs, byHand).forEach((y, dy) -> {
                ys.add(y.asOutput());
                dys.add(dy.asOutput());
            });
        }
        List<Output<?>> xs = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (!byHand.containsKey(names.get(i))) {
                xs.add(variables.get(i).asOutput());
            }
        }
        Output<?>[] auto = xs.isEmpty() ? new Output<?>[0] : graph.addGradients(null, ys.toArray(Output<?>[]::new),
                xs.toArray(Output<?>[]::new), dys.toArray(Output<?>[]::new));
        Output<?>[] grads = new Output<?>[names.size()];
        for (int i = 0, a = 0; i < names.size(); i++) {
            Operand<TFloat32> h = byHand.get(names.get(i));
            grads[i] = h != null ? h.asOutput() : auto[a++];
        }
        return grads;
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
        OwnRows own = ownRows.get(t.name());
        return new TfTower(t, vocabulary, session, own.rows(), own.context(), own.out(), guard);
    }

    /** Feeds the batch; returns how many query blocks hold rows ({@link RetrievalTaskGraph#feed}). */
    private int feed(Session.Runner runner, FeatureBatch batch, List<Tensor> owned) {
        int blocks = RetrievalTaskGraph.BLOCKS;
        if (retrieval != null) {
            blocks = retrieval.feed(runner, prefetch.take(batch), padShapes, owned);
        }
        for (var e : ownRows.entrySet()) {
            TowerSpec t = spec.tower(e.getKey());
            if (e.getValue().of() == null) {
                // the column's own array, copied once into the tensor (FeatureBatch.feature copies it first)
                java.nio.IntBuffer rows = batch.features().rowsView(t.feature());
                runner.feed(e.getValue().rows(), RetrievalTaskGraph.own(owned,
                        rows != null ? Tensors.rows(rows) : Tensors.rows(batch.feature(t.feature()))));
                continue;
            }
            DistinctRows d = DistinctRows.of(t, batch.features());
            runner.feed(e.getValue().rows(), RetrievalTaskGraph.own(owned, Tensors.rows(d.rows())));
            runner.feed(e.getValue().of(), RetrievalTaskGraph.own(owned, Tensors.rows(d.of())));
            for (var f : t.contextFeatures()) {
                runner.feed(e.getValue().context().get(f.name()), RetrievalTaskGraph.own(owned,
                        TowerGraph.contextTensor(f, d.context(), d.rows().length, d.rows().length)));
            }
        }
        if (!rankings.isEmpty()) {
            float[] weights = batch.sampleWeights();
            if (weights == null) {
                if (ones.length != batch.size()) {
                    ones = new float[batch.size()];
                    java.util.Arrays.fill(ones, 1f);
                }
                weights = ones;
            }
            for (RankingTaskGraph k : rankings) {
                java.nio.FloatBuffer labels = batch.features().valuesView(k.task.label());
                if (labels == null) {
                    throw new IllegalArgumentException("the batch has no label column '" + k.task.label()
                            + "' for ranking task " + k.task.name() + "; it has " + batch.features().names());
                }
                runner.feed(k.labels, RetrievalTaskGraph.own(owned, Tensors.vector(labels)));
                runner.feed(k.weights, RetrievalTaskGraph.own(owned, Tensors.vector(weights)));
            }
        }
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
        StepResult r = shiftedLossOfFirst.isEmpty() ? null : step(batch, update, true);
        if (r == null && !shiftedLossOfFirst.isEmpty()) {
            inexactSteps++;
        }
        return r != null ? r : step(batch, update, false);
    }

    /** One run of the step; with {@code shifted} logits null when they were not exact (nothing changed then). */
    private StepResult step(FeatureBatch batch, boolean update, boolean shifted) {
        List<Tensor> owned = new ArrayList<>();
        try {
            Session.Runner runner = session.runner();
            int blocks = feed(runner, batch, owned);
            // only the blocks that hold rows run, when the graph has their own loss and update
            runner.fetch(shifted ? shiftedLossOfFirst.get(blocks - 1)
                    : lossOfFirst.isEmpty() ? loss : lossOfFirst.get(blocks - 1)).fetch(regularization);
            rankings.forEach(k -> runner.fetch(k.outputs));
            if (shifted) {
                runner.fetch(exactOfFirst.get(blocks - 1));
            }
            if (update) {
                optimizer.feedUpdate(runner, owned);
                runner.addTarget(shifted ? shiftedTrainOfFirst.get(blocks - 1)
                        : trainOfFirst.isEmpty() ? optimizer.train : trainOfFirst.get(blocks - 1));
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
