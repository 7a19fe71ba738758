package org.recsys4j.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.bundle.Provenance;
import org.recsys4j.data.Interactions;
import org.recsys4j.metrics.Metric;
import org.recsys4j.model.Features;
import org.recsys4j.model.Initializers;
import org.recsys4j.model.Tower;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.TrainingConfig;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.BatchEmbeddings;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.spi.StepResult;
import org.recsys4j.spi.Trainer;
import org.recsys4j.vocab.StringLookup;

/**
 * A two-tower retrieval model composed from towers and a task, the TFRS {@code tfrs.Model} with
 * {@code compute_loss} way: declare, {@link #fit}, {@link #evaluate}, then index or save.
 *
 * <pre>{@code
 * try (RetrievalModel model = new RetrievalModel(spec, vocabularies, task, backend, new Adagrad(0.1), 42)) {
 *     model.fit(train, 8192, 3);
 *     Map<String, Double> test = model.evaluate(test, 4096);
 * }
 * }</pre>
 */
public final class RetrievalModel implements AutoCloseable {
    private final RetrievalSpec spec;
    private final Map<String, StringLookup> vocabularies;
    private final org.recsys4j.task.Retrieval task;
    private final Backend backend;
    private final Adagrad optimizer;
    private final long seed;
    private final Trainer trainer;
    private boolean computeTrainingMetrics = true;
    private float[] samplingProbabilityByRow;
    private final java.util.SplittableRandom negativeSampler;

    public RetrievalModel(RetrievalSpec spec, Map<String, StringLookup> vocabularies, org.recsys4j.task.Retrieval task,
            Backend backend, Adagrad optimizer, long seed, BackendOptions options) {
        this.spec = Objects.requireNonNull(spec);
        this.vocabularies = Map.copyOf(vocabularies);
        this.task = Objects.requireNonNull(task);
        this.backend = Objects.requireNonNull(backend);
        this.optimizer = Objects.requireNonNull(optimizer);
        this.seed = seed;
        if (!task.options().equals(spec.task())) {
            throw new IllegalArgumentException("the task's options " + task.options() + " differ from the spec's "
                    + spec.task());
        }
        this.trainer = backend.trainer(spec, this.vocabularies, Initializers.initialWeights(spec, seed), optimizer,
                options);
        // its own stream, so that extra negatives leave the initial weights and every other draw as they were
        this.negativeSampler = new java.util.SplittableRandom(seed).split();
    }

    public RetrievalModel(RetrievalSpec spec, Map<String, StringLookup> vocabularies, org.recsys4j.task.Retrieval task,
            Backend backend, Adagrad optimizer, long seed) {
        this(spec, vocabularies, task, backend, optimizer, seed, BackendOptions.none());
    }

    /** Whether {@link #fit} updates the task's metrics on every training batch (TFRS's compute_metrics). */
    public RetrievalModel computeTrainingMetrics(boolean on) {
        this.computeTrainingMetrics = on;
        return this;
    }

    /**
     * Turns on TFRS's logQ correction with each candidate's sampling probability estimated from
     * {@code trainingData}: its share of the training examples, add-one smoothed so that no
     * probability is zero. Batches made after this call carry the probabilities.
     */
    public RetrievalModel logQCorrection(Interactions trainingData) {
        StringLookup vocabulary = vocabularies.get(spec.candidate().feature());
        int[] rows = trainingData.categorical(spec.candidate().feature()).lookup(vocabulary);
        double[] counts = new double[vocabulary.size()];
        java.util.Arrays.fill(counts, 1.0);
        for (int r : rows) {
            counts[r] += 1.0;
        }
        double total = rows.length + counts.length;
        samplingProbabilityByRow = new float[counts.length];
        for (int r = 0; r < counts.length; r++) {
            samplingProbabilityByRow[r] = (float) (counts[r] / total);
        }
        return this;
    }

    /** The data as batches of vocabulary rows, in order; look up once, train many epochs. */
    public List<FeatureBatch> batches(Interactions data, int batchSize) {
        return batches(data, batchSize, null);
    }

    /**
     * As {@link #batches(Interactions, int)}, each example weighted by the numeric column
     * {@code weightColumn} (Keras's {@code sample_weight}); null for equal weights.
     */
    public List<FeatureBatch> batches(Interactions data, int batchSize, String weightColumn) {
        double[] weights = weightColumn == null ? null : data.numbers(weightColumn);
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        int[] query = data.categorical(spec.query().feature()).lookup(vocabularies.get(spec.query().feature()));
        int[] candidate = data.categorical(spec.candidate().feature())
                .lookup(vocabularies.get(spec.candidate().feature()));
        Features all = queryContext(data).withRows(spec.query().feature(), query)
                .withRows(spec.candidate().feature(), candidate);
        List<FeatureBatch> out = new ArrayList<>();
        for (int from = 0; from < data.size(); from += batchSize) {
            int to = Math.min(data.size(), from + batchSize);
            float[] probability = null;
            if (samplingProbabilityByRow != null) {
                probability = new float[to - from];
                for (int i = from; i < to; i++) {
                    probability[i - from] = samplingProbabilityByRow[candidate[i]];
                }
            }
            float[] sampleWeights = null;
            if (weights != null) {
                sampleWeights = new float[to - from];
                for (int i = from; i < to; i++) {
                    sampleWeights[i - from] = (float) weights[i];
                }
            }
            out.add(new FeatureBatch(all.slice(from, to), sampleWeights, probability, to - from));
        }
        return out;
    }

    /**
     * The query tower's context features of every example of {@code data}, as the towers take them
     * ({@link Tower#embedIndices(int[], Features)}): a categorical one's vocabulary rows, a numeric
     * one's values.
     */
    public Features queryContext(Interactions data) {
        Features context = Features.none();
        for (var f : spec.query().contextFeatures()) {
            if (f.numeric()) {
                context = context.withValues(f.name(), data.numbers(f.name()));
                continue;
            }
            StringLookup lookup = vocabularies.get(f.name());
            if (lookup == null) {
                throw new IllegalArgumentException("no vocabulary for the query tower's context feature '" + f.name()
                        + "'; the model has vocabularies for " + vocabularies.keySet());
            }
            context = context.withRows(f.name(), data.categorical(f.name()).lookup(lookup));
        }
        return context;
    }

    public History fit(Interactions data, int batchSize, int epochs, Progress progress) {
        return fit(batches(data, batchSize), epochs, progress);
    }

    public History fit(List<FeatureBatch> batches, int epochs, Progress progress) {
        List<EpochLog> logs = new ArrayList<>();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            progress.epochStarted(epoch, epochs, batches.size());
            task.metrics().forEach(Metric::reset);
            long start = System.nanoTime();
            int examples = 0;
            double lossSum = 0;
            StepResult last = new StepResult(0, 0);
            for (int i = 0; i < batches.size(); i++) {
                FeatureBatch batch = batches.get(i);
                if (computeTrainingMetrics && !task.metrics().isEmpty()) {
                    updateMetrics(batch); // before the update, as Keras computes metrics in the forward pass
                }
                last = trainer.trainStep(withExtraNegatives(batch));
                lossSum += last.loss();
                examples += batch.size();
                progress.stepDone(i + 1, batch.size(), stepLogs(last, computeTrainingMetrics));
            }
            Map<String, Double> epochLogs = stepLogs(last, computeTrainingMetrics);
            epochLogs.put("mean_loss", batches.isEmpty() ? 0 : lossSum / batches.size());
            EpochLog log = new EpochLog(epoch, (System.nanoTime() - start) / 1e9, examples, epochLogs);
            progress.epochDone(log);
            logs.add(log);
        }
        return new History(logs);
    }

    /**
     * The batch with the task's extra negatives appended: every candidate row but OOV, or k rows
     * drawn uniformly (fresh at every step). Under the logQ correction each counts with the
     * probability of a uniform draw, 1/V.
     */
    public FeatureBatch withExtraNegatives(FeatureBatch batch) {
        int k = spec.task().extraNegatives();
        int v = vocabularies.get(spec.candidate().feature()).size();
        if (k == 0 || v < 2) {
            return batch;
        }
        int[] rows;
        if (k == org.recsys4j.spec.RetrievalTaskSpec.ALL_CANDIDATES) {
            rows = java.util.stream.IntStream.range(1, v).toArray();
        } else {
            rows = new int[k];
            for (int i = 0; i < k; i++) {
                rows[i] = negativeSampler.nextInt(1, v);
            }
        }
        float[] probability = null;
        if (batch.candidateSamplingProbability() != null) {
            probability = new float[rows.length];
            java.util.Arrays.fill(probability, 1f / (v - 1));
        }
        return batch.withExtraCandidates(rows, probability);
    }

    /** The task's metrics and losses over {@code data}; keys as TFRS's {@code evaluate(return_dict=True)}. */
    public Map<String, Double> evaluate(Interactions data, int batchSize) {
        return evaluate(batches(data, batchSize));
    }

    public Map<String, Double> evaluate(List<FeatureBatch> batches) {
        task.metrics().forEach(Metric::reset);
        StepResult last = new StepResult(0, 0);
        for (FeatureBatch batch : batches) {
            updateMetrics(batch);
            last = trainer.testStep(batch);
        }
        return stepLogs(last, true);
    }

    private void updateMetrics(FeatureBatch batch) {
        BatchEmbeddings e = trainer.embed(batch);
        Tower candidates = trainer.candidateTower();
        List<String> positiveIds = candidateIds(batch);
        for (Metric m : task.metrics()) {
            m.update(e.queries(), e.positives(), candidates, positiveIds);
        }
    }

    /** The batch's true candidates as raw values (vocabulary tokens), for id-based metrics. */
    private List<String> candidateIds(FeatureBatch batch) {
        StringLookup vocabulary = vocabularies.get(spec.candidate().feature());
        int[] rows = batch.feature(spec.candidate().feature());
        return new java.util.AbstractList<>() {
            @Override
            public String get(int i) {
                return vocabulary.token(rows[i]);
            }

            @Override
            public int size() {
                return rows.length;
            }
        };
    }

    private Map<String, Double> stepLogs(StepResult step, boolean withMetrics) {
        Map<String, Double> logs = new LinkedHashMap<>();
        if (withMetrics) {
            task.metrics().forEach(m -> logs.putAll(m.result()));
        }
        logs.put("loss", step.loss());
        logs.put("regularization_loss", step.regularizationLoss());
        logs.put("total_loss", step.totalLoss());
        return logs;
    }

    public Trainer trainer() {
        return trainer;
    }

    public Tower queryTower() {
        return trainer.queryTower();
    }

    public Tower candidateTower() {
        return trainer.candidateTower();
    }

    public RetrievalSpec spec() {
        return spec;
    }

    public Map<String, StringLookup> vocabularies() {
        return vocabularies;
    }

    public Backend backend() {
        return backend;
    }

    public Adagrad optimizer() {
        return optimizer;
    }

    public long seed() {
        return seed;
    }

    /** The trained model as a backend-neutral bundle. */
    public ModelBundle toBundle(TrainingConfig training, Provenance provenance) {
        return new ModelBundle(spec, vocabularies, trainer.weights(), training, provenance);
    }

    @Override
    public void close() {
        trainer.close();
    }
}
