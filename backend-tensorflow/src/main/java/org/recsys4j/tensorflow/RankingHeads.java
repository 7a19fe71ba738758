package org.recsys4j.tensorflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.recsys4j.model.DistinctRows;
import org.recsys4j.spec.ModelSpec;
import org.recsys4j.spec.RankingTask;
import org.recsys4j.spec.RetrievalTask;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.FeatureBatch;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A model's Ranking task heads wired to their towers' outputs per example: each head
 * ({@link RankingTaskGraph}) reads its towers through the Retrieval task's distinct rows where that
 * task runs them, else through the towers' own placeholders, which this class feeds with the
 * labels and example weights; and the model's gradients, with the heads' trailing dense layers
 * differentiated by hand.
 */
final class RankingHeads {
    /** One per Ranking task, in the spec's order. */
    final List<RankingTaskGraph> tasks = new ArrayList<>();
    private final ModelSpec spec;
    private final Graph graph;
    private final Map<String, TowerGraph> towerGraphs;
    private final RetrievalTaskGraph retrieval;
    /** Towers the Retrieval task does not run, fed their own distinct rows. */
    private final Map<String, OwnRows> ownRows = new LinkedHashMap<>();
    /** The example weights of a batch without them, kept from step to step (a step allocates what it must). */
    private float[] ones = new float[0];

    /** A tower's own inputs: its distinct rows and context, each example's position among them, and its output. */
    record OwnRows(Placeholder<TInt32> rows, Map<String, Placeholder<?>> context, Placeholder<TInt32> of,
            Operand<TFloat32> out) {
    }

    /**
     * A tower's output per example, as an index vector with one entry per example and what turns
     * any part of that vector into the tower's output rows: a gather from the Retrieval task's
     * distinct rows when it runs the tower, else from the tower's own distinct rows, or (an
     * embedding lookup alone) the lookup of the examples' own rows.
     */
    private record ExampleRows(Operand<TInt32> index, Function<Operand<TInt32>, Operand<TFloat32>> read) {
    }

    /**
     * @param retrieval the Retrieval task's graph, or null without one
     * @param chunkCount how many chunks each head cuts the batch into ({@link RowChunks})
     */
    RankingHeads(Ops tf, Graph graph, ModelSpec spec, Map<String, TowerGraph> towerGraphs,
            RetrievalTaskGraph retrieval, int chunkCount) {
        this.spec = spec;
        this.graph = graph;
        this.towerGraphs = towerGraphs;
        this.retrieval = retrieval;
        RowChunks chunks = null;
        for (RankingTask k : spec.rankingTasks()) {
            List<ExampleRows> sources = new ArrayList<>();
            for (String name : k.inputs()) {
                sources.add(exampleRows(tf, name));
            }
            if (chunks == null) {
                chunks = new RowChunks(tf, chunkCount, tf.size(sources.get(0).index()));
            }
            List<List<Operand<TFloat32>>> chunkInputs = retrieval == null ? joinedLookups(tf, k, chunks) : null;
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
            tasks.add(RankingTaskGraph.training(tf, k, spec.inputDim(k), chunkInputs, chunks));
        }
    }

    /** The inputs of a tower the Retrieval task does not run; null for one it runs. */
    OwnRows ownRows(String tower) {
        return ownRows.get(tower);
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
            Placeholder<TInt32> of = TowerGraph.lookupOnly(t) ? null : tf.withName(name + "_of").placeholder(
                    TInt32.class, Placeholder.shape(Shape.of(-1)));
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
        if (towers.size() < 2 || !towers.stream().allMatch(t -> TowerGraph.lookupOnly(t)
                && t.embeddingDim() == width)) {
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

    /**
     * The gradients of a model with ranking heads: each head's trailing dense layers by hand
     * ({@link RankingTaskGraph#backward}, from the weighted loss's gradient with respect to the
     * head's outputs: {@link RankingTaskGraph#outputGradients}, or TensorFlow's), everything else
     * (towers, cross layers, the Retrieval task) by TensorFlow from the Retrieval task's weighted
     * loss and {@code extra}, and from each head's dense input with its hand-made gradient.
     *
     * @param losses each task's weighted loss, in the spec's order
     */
    @SuppressWarnings("unchecked")
    Output<?>[] gradients(Ops tf, List<Operand<TFloat32>> losses, Operand<TFloat32> extra,
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
            RankingTaskGraph k = spec.tasks().get(i) instanceof RankingTask ? tasks.get(r++) : null;
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

    /** Feeds the towers' own rows, and each head's labels and example weights. */
    void feed(Session.Runner runner, FeatureBatch batch, List<Tensor> owned) {
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
        if (tasks.isEmpty()) {
            return;
        }
        float[] weights = batch.sampleWeights();
        if (weights == null) {
            if (ones.length != batch.size()) {
                ones = new float[batch.size()];
                java.util.Arrays.fill(ones, 1f);
            }
            weights = ones;
        }
        for (RankingTaskGraph k : tasks) {
            java.nio.FloatBuffer labels = batch.features().valuesView(k.task.label());
            if (labels == null) {
                throw new IllegalArgumentException("the batch has no label column '" + k.task.label()
                        + "' for ranking task " + k.task.name() + "; it has " + batch.features().names());
            }
            runner.feed(k.labels, RetrievalTaskGraph.own(owned, Tensors.vector(labels)));
            runner.feed(k.weights, RetrievalTaskGraph.own(owned, Tensors.vector(weights)));
        }
    }
}
