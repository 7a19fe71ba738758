package org.recsys4j.tensorflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.model.FloatTensor;
import org.recsys4j.model.Tower;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spi.CloseGuard;
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
 * A retrieval spec compiled into one TensorFlow graph: both towers, the summed in-batch softmax
 * loss, its gradients, and Keras Adagrad ({@code ApplyAdagradV2}: accumulators from the
 * optimizer's initial value, epsilon outside the square root).
 *
 * <p>Gradients of the embedding gathers come back dense; rows a batch does not touch get a zero
 * gradient, which leaves both the row and its accumulator unchanged, exactly as Keras's sparse
 * update does.
 */
final class TfTrainer implements Trainer {
    private final RetrievalSpec spec;
    private final Graph graph;
    private final Session session;
    private final TowerGraph query;
    private final TowerGraph candidate;
    private final boolean collapse;
    private final boolean padShapes;
    private final Placeholder<TInt32> queryRows;
    private final Map<String, Placeholder<?>> queryContext = new LinkedHashMap<>();
    private final Placeholder<TInt32> candidateRows;
    private final Placeholder<TFloat32> logCounts;
    private final Placeholder<TFloat32> queryWeights;
    private final Placeholder<TInt32> pairQuery;
    private final Placeholder<TInt32> pairCandidate;
    private final Placeholder<TFloat32> pairWeights;
    private final Placeholder<TFloat32> positiveLogProbability;
    private final Placeholder<TFloat32> queryCounts;
    private final Placeholder<TFloat32> candidateCounts;
    private final Placeholder<TFloat32> accidentalHitWeights;
    private final Operand<TFloat32> regularization;
    private final Operand<TFloat32> queryOut;
    private final Operand<TFloat32> candidateOut;
    private final Operand<TFloat32> loss;
    private final Op train;
    private final TfTower queryTower;
    private final TfTower candidateTower;
    private final CloseGuard guard = new CloseGuard("this TensorFlow trainer");

    TfTrainer(RetrievalSpec spec, Map<String, StringLookup> vocabularies, Weights initial, Adagrad optimizer,
            SessionConfig config, boolean collapse) {
        initial.validate(spec);
        this.spec = spec;
        // hard-negative mining picks single columns: it needs one column per example
        this.collapse = collapse && spec.task().collapsible();
        this.padShapes = config.xla() && this.collapse;
        this.graph = new Graph();
        try {
            Ops tf = Ops.create(graph);
            if (config.deviceSpec() != null) {
                tf = tf.withDevice(config.deviceSpec());
            }
            query = new TowerGraph(tf, spec.query());
            candidate = new TowerGraph(tf, spec.candidate());
            queryRows = tf.withName("query_rows").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
            candidateRows = tf.withName("candidate_rows").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
            logCounts = vector(tf, "candidate_log_counts", TFloat32.class);
            queryWeights = vector(tf, "query_weights", TFloat32.class);
            pairQuery = vector(tf, "pair_query", TInt32.class);
            pairCandidate = vector(tf, "pair_candidate", TInt32.class);
            pairWeights = vector(tf, "pair_weights", TFloat32.class);
            positiveLogProbability = tf.withName("positive_log_probability").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.scalar()));
            queryCounts = vector(tf, "query_counts", TFloat32.class);
            candidateCounts = vector(tf, "candidate_counts", TFloat32.class);
            accidentalHitWeights = vector(tf, "accidental_hit_weights", TFloat32.class);
            queryContext.putAll(TowerGraph.contextPlaceholders(tf, spec.query(), "query_"));
            queryOut = query.forward(tf, queryRows, queryContext);
            candidateOut = candidate.forward(tf, candidateRows);
            RetrievalLossGraph lossGraph = new RetrievalLossGraph(spec.task(), queryOut, candidateOut, logCounts,
                    queryWeights, pairQuery, pairCandidate, pairWeights, accidentalHitWeights, candidateRows);
            // the logQ correction's share of the positives' logits is a constant of the batch
            loss = tf.withName("loss").math.add(lossGraph.build(tf), positiveLogProbability);
            // l2 * sum_i |q_i|^2 + |c_i|^2 over the examples: each distinct row weighted by its count
            Operand<TInt32> rowsAxis = tf.constant(1);
            Operand<TInt32> all = tf.constant(0);
            Operand<TFloat32> regularization = tf.withName("regularization_per_example").math
                    .mul(tf.constant((float) spec.task().l2PerExample()),
                    tf.math.add(
                            tf.reduceSum(tf.math.mul(tf.reduceSum(tf.math.square(queryOut), rowsAxis), queryCounts),
                            all),
                            tf.reduceSum(tf.math.mul(tf.reduceSum(tf.math.square(candidateOut), rowsAxis),
                                    candidateCounts), all)));
            List<Variable<TFloat32>> variables = new ArrayList<>(query.variables.values());
            variables.addAll(candidate.variables.values());
            Operand<TFloat32> perExample = regularization;
            // Keras-style regularizers: l2 * sum W^2 on each table and kernel. Its gradient, 2 l2 W, is
            // added by hand below (the C API's symbolic gradient of it crashed on reference variables).
            Map<String, Variable<TFloat32>> byName = new LinkedHashMap<>(query.variables);
            byName.putAll(candidate.variables);
            java.util.Set<String> tableRegularized = new java.util.HashSet<>();
            if (spec.task().l2PerTable() > 0) {
                Operand<TFloat32> tables = tf.constant(0f);
                for (String name : org.recsys4j.task.Retrieval.regularizedWeights(spec)) {
                    // every regularized weight is a matrix (a table or a kernel)
                    tables = tf.math.add(tables, tf.reduceSum(tf.math.square(byName.get(name)),
                            tf.constant(new int[] {0, 1})));
                    tableRegularized.add(name);
                }
                regularization = tf.math.add(regularization,
                        tf.math.mul(tf.constant((float) spec.task().l2PerTable()), tables));
            }
            this.regularization = tf.withName("regularization_loss").identity(regularization);
            Operand<TFloat32> total = spec.task().l2PerExample() > 0 ? tf.math.add(loss, perExample) : loss;
            Output<?>[] grads = graph.addGradients(total.asOutput(),
                    variables.stream().map(Variable::asOutput).toArray(Output<?>[]::new));
            List<String> names = new ArrayList<>(query.variables.keySet());
            names.addAll(candidate.variables.keySet());
            Operand<TFloat32> twiceL2 = tf.constant((float) (2 * spec.task().l2PerTable()));
            for (int i = 0; i < grads.length; i++) {
                if (tableRegularized.contains(names.get(i))) {
                    @SuppressWarnings("unchecked")
                    Operand<TFloat32> g = (Operand<TFloat32>) grads[i];
                    grads[i] = tf.math.add(g, tf.math.mul(twiceL2, variables.get(i))).asOutput();
                }
            }
            // Variables are read by reference: a dense kernel's update must not run before the backward
            // pass has read the kernel for the gradient below it, so no update starts until every
            // gradient is computed.
            List<Op> gradientsDone = new ArrayList<>();
            for (Output<?> g : grads) {
                gradientsDone.add(tf.identity(g));
            }
            // the reported losses are read before any update too
            gradientsDone.add(tf.identity(loss));
            gradientsDone.add(tf.identity(this.regularization));
            Ops afterGradients = tf.withControlDependencies(gradientsDone);
            List<Op> updates = new ArrayList<>();
            List<org.tensorflow.op.core.Assign<TFloat32>> accumulatorInits = new ArrayList<>();
            Operand<TFloat32> lr = tf.constant((float) optimizer.learningRate());
            Operand<TFloat32> eps = tf.constant((float) optimizer.epsilon());
            for (int i = 0; i < variables.size(); i++) {
                Variable<TFloat32> v = variables.get(i);
                Variable<TFloat32> accumulator = tf.withName(v.op().name().replace('/', '_') + "_adagrad")
                        .variable(v.shape(), TFloat32.class);
                accumulatorInits.add(tf.assign(accumulator, tf.fill(tf.shape(v),
                        tf.constant((float) optimizer.initialAccumulatorValue()))));
                @SuppressWarnings("unchecked")
                Operand<TFloat32> g = (Operand<TFloat32>) grads[i];
                updates.add(afterGradients.train.applyAdagradV2(v, accumulator, lr, eps, g));
            }
            train = tf.withName("train").withControlDependencies(updates).noOp();

            session = new Session(graph, config.proto());
            List<Tensor> owned = new ArrayList<>();
            try {
                Session.Runner init = session.runner();
                query.feedInitial(init, initial, owned);
                candidate.feedInitial(init, initial, owned);
                accumulatorInits.forEach(init::addTarget);
                init.run().close();
            } finally {
                owned.forEach(Tensor::close);
            }
            queryTower = new TfTower(spec.query(), vocabularies.get(spec.query().feature()), session, queryRows,
                    queryContext, queryOut, guard);
            candidateTower = new TfTower(spec.candidate(), vocabularies.get(spec.candidate().feature()), session,
                    candidateRows, Map.of(), candidateOut, guard);
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    private static <T extends org.tensorflow.types.family.TType> Placeholder<T> vector(Ops tf, String name,
            Class<T> type) {
        return tf.withName(name).placeholder(type, Placeholder.shape(Shape.of(-1)));
    }

    private Session.Runner feed(Session.Runner runner, FeatureBatch batch, List<Tensor> owned) {
        DeduplicatedBatch b = DeduplicatedBatch.of(batch, spec, collapse);
        int[] rows = b.queryRows();
        int[] columns = b.candidateRows();
        float[] columnLogWeight = b.columnLogWeight();
        // XLA compiles one program per shape; padding the distinct rows to a multiple of PAD keeps
        // the number of shapes small. Padded rows weigh nothing and padded columns have count 0.
        int u = padShapes ? roundUp(rows.length) : rows.length;
        int c = padShapes ? roundUp(columns.length) : columns.length;
        float[] log = new float[c];
        java.util.Arrays.fill(log, EMPTY_LOG_COUNT);
        System.arraycopy(columnLogWeight, 0, log, 0, columnLogWeight.length);
        for (var f : spec.query().contextFeatures()) {
            // padded rows read row 0, or the value 0
            runner.feed(queryContext.get(f.name()), own(owned, TowerGraph.contextTensor(f, b.queryContext(),
                    rows.length, u)));
        }
        return runner.feed(queryRows, own(owned, Tensors.rows(padded(rows, u))))
                .feed(candidateRows, own(owned, Tensors.rows(padded(columns, c))))
                .feed(logCounts, own(owned, Tensors.vector(log)))
                .feed(queryWeights, own(owned, Tensors.vector(padded(b.queryWeight(), u))))
                .feed(pairQuery, own(owned, Tensors.rows(b.queryOf())))
                .feed(pairCandidate, own(owned, Tensors.rows(b.candidateOf())))
                .feed(pairWeights, own(owned, Tensors.vector(b.exampleWeight())))
                .feed(positiveLogProbability, own(owned, TFloat32.scalarOf((float) b.positiveLogProbability())))
                .feed(queryCounts, own(owned, Tensors.vector(padded(b.queryCount(), u))))
                .feed(candidateCounts, own(owned, Tensors.vector(padded(b.candidateCount(), c))))
                .feed(accidentalHitWeights, own(owned, Tensors.vector(b.accidentalHitWeight())));
    }

    private static int[] padded(int[] values, int n) {
        return values.length == n ? values : java.util.Arrays.copyOf(values, n);
    }

    private static float[] padded(float[] values, int n) {
        return values.length == n ? values : java.util.Arrays.copyOf(values, n);
    }

    private static final int PAD = 256;
    /** log(0) stand-in: exp() of it is exactly 0 in float, with no inf - inf anywhere. */
    static final float EMPTY_LOG_COUNT = -1e30f;

    private static int roundUp(int n) {
        return (n + PAD - 1) / PAD * PAD;
    }

    private static <T extends Tensor> T own(List<Tensor> owned, T t) {
        owned.add(t);
        return t;
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
        List<Tensor> owned = new ArrayList<>();
        try {
            Session.Runner runner = feed(session.runner(), batch, owned).fetch(loss).fetch(regularization);
            if (update) {
                runner.addTarget(train);
            }
            try (Result r = runner.run()) {
                return new StepResult(Tensors.scalar(r.get(0)), Tensors.scalar(r.get(1)));
            }
        } finally {
            owned.forEach(Tensor::close);
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
        Map<String, Variable<TFloat32>> all = new LinkedHashMap<>(query.variables);
        all.putAll(candidate.variables);
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
        try {
            session.close();
        } finally {
            graph.close();
        }
    }
}
