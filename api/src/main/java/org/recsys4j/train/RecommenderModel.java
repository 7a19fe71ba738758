package org.recsys4j.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.recsys4j.data.Interactions;
import org.recsys4j.metrics.Metric;
import org.recsys4j.model.Features;
import org.recsys4j.model.Initializers;
import org.recsys4j.model.Tower;
import org.recsys4j.spec.FeatureSpec;
import org.recsys4j.spec.ModelSpec;
import org.recsys4j.spec.Optimizer;
import org.recsys4j.spec.RankingTask;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.TaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.BatchEmbeddings;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.spi.StepResult;
import org.recsys4j.spi.Trainer;
import org.recsys4j.task.Ranking;
import org.recsys4j.task.Retrieval;
import org.recsys4j.task.Task;
import org.recsys4j.vocab.StringLookup;

/**
 * A model of towers and weighted tasks, TFRS's {@code tfrs.Model} as the ranking and multitask
 * tutorials build it: declare ({@link ModelSpec}), {@link #fit}, {@link #evaluate}. Each task of
 * the spec has its Java task object by name, which carries its metrics: a {@link Retrieval} (with
 * {@code FactorizedTopK}, say) or a {@link Ranking} (with {@code RootMeanSquaredError}).
 *
 * <pre>{@code
 * try (RecommenderModel model = new RecommenderModel(spec, vocabularies, Map.of("rating", rating,
 *         "retrieval", retrieval), backend, new Adagrad(0.1), 42)) {
 *     model.fit(train, 8192, 3, Progress.silent());
 *     Map<String, Double> test = model.evaluate(test, 4096);
 * }
 * }</pre>
 */
public final class RecommenderModel implements AutoCloseable {
    private final ModelSpec spec;
    private final Map<String, StringLookup> vocabularies;
    private final Map<String, Task> tasks;
    private final Optimizer optimizer;
    private final long seed;
    private final Trainer trainer;
    private boolean computeTrainingMetrics = true;
    private float[] samplingProbabilityByRow;
    private final SplittableRandom negativeSampler;

    /**
     * A model of {@code spec} trained by {@code backend} with {@code optimizer}, its initial weights
     * drawn from {@code seed}; {@code tasks} gives each of the spec's tasks its Java task object by
     * name, and {@code options} are the backend's {@code -O} settings.
     */
    public RecommenderModel(ModelSpec spec, Map<String, StringLookup> vocabularies, Map<String, ? extends Task> tasks,
            Backend backend, Optimizer optimizer, long seed, BackendOptions options) {
        this.spec = Objects.requireNonNull(spec);
        this.vocabularies = Map.copyOf(vocabularies);
        this.tasks = new LinkedHashMap<>();
        for (TaskSpec t : spec.tasks()) {
            Task task = tasks.get(t.name());
            boolean fits = t instanceof RankingTask k ? task instanceof Ranking r && r.lossKind() == k.loss()
                    : task instanceof Retrieval q && q.options().equals(spec.retrieval().task());
            if (!fits) {
                throw new IllegalArgumentException("task '" + t.name() + "' of the spec needs a matching "
                        + (t instanceof RankingTask ? "Ranking (same loss)" : "Retrieval (same options)")
                        + " task object, got " + task);
            }
            this.tasks.put(t.name(), task);
        }
        for (TowerSpec t : spec.towers()) {
            if (!this.vocabularies.containsKey(t.feature())) {
                throw new IllegalArgumentException("no vocabulary for feature '" + t.feature() + "' of tower '"
                        + t.name() + "'; vocabularies are " + this.vocabularies.keySet());
            }
        }
        this.optimizer = Objects.requireNonNull(optimizer);
        this.seed = seed;
        this.trainer = backend.trainer(spec, this.vocabularies, Initializers.initialWeights(spec, seed), optimizer,
                options);
        this.negativeSampler = new SplittableRandom(seed).split();
    }

    /** As the full constructor, with the backend's default settings. */
    public RecommenderModel(ModelSpec spec, Map<String, StringLookup> vocabularies, Map<String, ? extends Task> tasks,
            Backend backend, Optimizer optimizer, long seed) {
        this(spec, vocabularies, tasks, backend, optimizer, seed, BackendOptions.none());
    }

    /** Whether {@link #fit} updates the tasks' metrics on every training batch (TFRS's compute_metrics). */
    public RecommenderModel computeTrainingMetrics(boolean on) {
        this.computeTrainingMetrics = on;
        return this;
    }

    /**
     * The Retrieval task's logQ correction, probabilities estimated from {@code trainingData} (as RetrievalModel's).
     */
    public RecommenderModel logQCorrection(Interactions trainingData) {
        RetrievalSpec r = requireRetrieval();
        samplingProbabilityByRow = CandidateSampling.probabilityByRow(vocabularies.get(r.candidate().feature()),
                trainingData, r.candidate().feature());
        return this;
    }

    private RetrievalSpec requireRetrieval() {
        RetrievalSpec r = spec.retrieval();
        if (r == null) {
            throw new IllegalStateException("this model has no Retrieval task");
        }
        return r;
    }

    /**
     * The data as batches: every tower's feature as vocabulary rows, context features as rows (or a
     * numeric one's float bits), each ranking task's label as float bits (checked: a finite number
     * on every row). Look up once, train many epochs.
     */
    public List<FeatureBatch> batches(Interactions data, int batchSize) {
        return batches(data, batchSize, null, true);
    }

    /**
     * As {@link #batches(Interactions, int)}, each example weighted by the numeric column
     * {@code weightColumn} (Keras's {@code sample_weight}); null for equal weights.
     */
    public List<FeatureBatch> batches(Interactions data, int batchSize, String weightColumn) {
        return batches(data, batchSize, weightColumn, true);
    }

    /** Without labels, each ranking task's label column reads 0: the outputs do not depend on it. */
    private List<FeatureBatch> batches(Interactions data, int batchSize, String weightColumn, boolean labels) {
        double[] weights = weightColumn == null ? null : data.numbers(weightColumn);
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        Features columns = Features.none();
        for (TowerSpec t : spec.towers()) {
            if (!columns.has(t.feature())) {
                columns = columns.withRows(t.feature(),
                        data.categorical(t.feature()).lookup(vocabularies.get(t.feature())));
            }
            for (FeatureSpec f : t.contextFeatures()) {
                if (!columns.has(f.name())) {
                    columns = withContext(columns, f, data);
                }
            }
        }
        for (RankingTask k : spec.rankingTasks()) {
            if (!columns.has(k.label())) {
                columns = columns.withValues(k.label(), labels ? Labels.read(data, k.label(), k.name())
                        : new float[data.size()]);
            }
        }
        RetrievalSpec r = spec.retrieval();
        int[] candidates = r == null ? null : columns.rows(r.candidate().feature());
        List<FeatureBatch> out = new ArrayList<>();
        for (int from = 0; from < data.size(); from += batchSize) {
            int to = Math.min(data.size(), from + batchSize);
            float[] probability = samplingProbabilityByRow == null ? null
                    : CandidateSampling.probabilities(samplingProbabilityByRow, candidates, from, to);
            float[] sampleWeights = null;
            if (weights != null) {
                sampleWeights = new float[to - from];
                for (int i = from; i < to; i++) {
                    sampleWeights[i - from] = (float) weights[i];
                }
            }
            out.add(new FeatureBatch(columns.slice(from, to), sampleWeights, probability, to - from));
        }
        return out;
    }

    /**
     * A tower's context features of every example of {@code data}, as the towers take them
     * ({@code Tower.embedIndices(int[], Features)}): a categorical one's vocabulary rows, a numeric
     * one's values.
     */
    public Features queryContext(TowerSpec tower, Interactions data) {
        Features context = Features.none();
        for (FeatureSpec f : tower.contextFeatures()) {
            context = withContext(context, f, data);
        }
        return context;
    }

    private Features withContext(Features columns, FeatureSpec f, Interactions data) {
        if (f.numeric()) {
            return columns.withValues(f.name(), data.numbers(f.name()));
        }
        StringLookup lookup = vocabularies.get(f.name());
        if (lookup == null) {
            throw new IllegalArgumentException("no vocabulary for the query tower's context feature '" + f.name()
                    + "'; the model has vocabularies for " + vocabularies.keySet());
        }
        return columns.withRows(f.name(), data.categorical(f.name()).lookup(lookup));
    }

    /** Trains on {@code data} in batches of {@code batchSize} for {@code epochs} epochs, as Keras's {@code fit}. */
    public History fit(Interactions data, int batchSize, int epochs, Progress progress) {
        return fit(batches(data, batchSize), epochs, progress);
    }

    /**
     * Trains on {@code batches}, in their order, for {@code epochs} epochs. Each step's batch, its
     * extra negatives drawn, is handed to the trainer's {@link Trainer#prefetch} one step ahead; the
     * negatives are drawn in the same order as without it.
     */
    public History fit(List<FeatureBatch> batches, int epochs, Progress progress) {
        List<EpochLog> logs = new ArrayList<>();
        FeatureBatch next = batches.isEmpty() || epochs < 1 ? null : withExtraNegatives(batches.get(0));
        for (int epoch = 1; epoch <= epochs; epoch++) {
            progress.epochStarted(epoch, epochs, batches.size());
            tasks.values().forEach(Task::resetMetrics);
            long start = System.nanoTime();
            int examples = 0;
            double lossSum = 0;
            StepResult last = new StepResult(0, 0);
            for (int i = 0; i < batches.size(); i++) {
                FeatureBatch batch = batches.get(i);
                FeatureBatch step = next;
                boolean more = i + 1 < batches.size() || epoch < epochs;
                next = more ? withExtraNegatives(batches.get((i + 1) % batches.size())) : null;
                if (next != null) {
                    trainer.prefetch(next);
                }
                if (computeTrainingMetrics) {
                    updateRetrievalMetrics(batch); // before the update, as Keras computes metrics in the forward pass
                }
                last = trainer.trainStep(step);
                if (computeTrainingMetrics) {
                    updateRankingMetrics(batch, last);
                }
                lossSum += last.loss();
                examples += batch.size();
                progress.stepDone(i + 1, batch.size(), logs(last, computeTrainingMetrics));
            }
            Map<String, Double> epochLogs = logs(last, computeTrainingMetrics);
            epochLogs.put("mean_loss", batches.isEmpty() ? 0 : lossSum / batches.size());
            EpochLog log = new EpochLog(epoch, (System.nanoTime() - start) / 1e9, examples, epochLogs);
            progress.epochDone(log);
            logs.add(log);
        }
        return new History(logs);
    }

    /** The batch with the Retrieval task's extra negatives appended (see {@code RetrievalTaskSpec.extraNegatives}). */
    public FeatureBatch withExtraNegatives(FeatureBatch batch) {
        RetrievalSpec r = spec.retrieval();
        return r == null ? batch : CandidateSampling.withExtraNegatives(batch, r.task(),
                vocabularies.get(r.candidate().feature()).size(), negativeSampler);
    }

    /** Every task's metrics and the losses over {@code data}; keys as TFRS's {@code evaluate(return_dict=True)}. */
    public Map<String, Double> evaluate(Interactions data, int batchSize) {
        return evaluate(batches(data, batchSize));
    }

    /** Every task's metrics and losses over {@code batches}; keys as {@link #evaluate(Interactions, int)}. */
    public Map<String, Double> evaluate(List<FeatureBatch> batches) {
        tasks.values().forEach(Task::resetMetrics);
        StepResult last = new StepResult(0, 0);
        for (FeatureBatch batch : batches) {
            updateRetrievalMetrics(batch);
            last = trainer.testStep(batch);
            updateRankingMetrics(batch, last);
        }
        return logs(last, true);
    }

    private void updateRetrievalMetrics(FeatureBatch batch) {
        RetrievalSpec r = spec.retrieval();
        if (r == null) {
            return;
        }
        Retrieval task = (Retrieval) tasks.get(spec.retrievalTask().name());
        if (task.metrics().isEmpty()) {
            return;
        }
        BatchEmbeddings e = trainer.embed(batch);
        Tower candidates = trainer.candidateTower();
        StringLookup vocabulary = vocabularies.get(r.candidate().feature());
        int[] rows = batch.feature(r.candidate().feature());
        List<String> ids = Arrays.stream(rows).mapToObj(vocabulary::token).toList();
        for (Metric m : task.metrics()) {
            m.update(e.queries(), e.positives(), candidates, ids);
        }
    }

    private void updateRankingMetrics(FeatureBatch batch, StepResult step) {
        for (RankingTask k : spec.rankingTasks()) {
            Ranking task = (Ranking) tasks.get(k.name());
            task.updateMetrics(step.rankingOutputs().get(k.name()), batch.features().values(k.label()),
                    batch.sampleWeights());
        }
    }

    private Map<String, Double> logs(StepResult step, boolean withMetrics) {
        Map<String, Double> logs = new LinkedHashMap<>();
        if (withMetrics) {
            tasks.values().forEach(t -> logs.putAll(t.metricResults()));
        }
        logs.put("loss", step.loss());
        logs.put("regularization_loss", step.regularizationLoss());
        logs.put("total_loss", step.totalLoss());
        return logs;
    }

    /**
     * Each ranking task's prediction for the examples of {@code data}, in order: the rating, or the
     * probability under binary cross-entropy. The data needs the towers' features, not the labels.
     */
    public Map<String, float[]> predict(Interactions data, int batchSize) {
        Map<String, float[]> out = new LinkedHashMap<>();
        List<FeatureBatch> batches = batches(data, batchSize, null, false);
        for (RankingTask k : spec.rankingTasks()) {
            out.put(k.name(), new float[data.size()]);
        }
        int offset = 0;
        for (FeatureBatch b : batches) {
            StepResult step = trainer.testStep(b);
            for (RankingTask k : spec.rankingTasks()) {
                float[] p = ((Ranking) tasks.get(k.name())).predictions(step.rankingOutputs().get(k.name()));
                System.arraycopy(p, 0, out.get(k.name()), offset, p.length);
            }
            offset += b.size();
        }
        return out;
    }

    /** The backend's trainer holding the weights (native memory, freed by {@link #close}). */
    public Trainer trainer() {
        return trainer;
    }

    /** The model's spec. */
    public ModelSpec spec() {
        return spec;
    }

    /** The vocabularies by feature name. */
    public Map<String, StringLookup> vocabularies() {
        return vocabularies;
    }

    /** The optimizer it trains with. */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** The seed of its initial weights and its sampled negatives. */
    public long seed() {
        return seed;
    }

    @Override
    public void close() {
        trainer.close();
    }
}
