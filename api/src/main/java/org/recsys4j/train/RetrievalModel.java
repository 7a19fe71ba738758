package org.recsys4j.train;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.bundle.Provenance;
import org.recsys4j.data.Interactions;
import org.recsys4j.model.Tower;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.ModelSpec;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.TrainingConfig;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.spi.Trainer;
import org.recsys4j.vocab.StringLookup;

/**
 * A two-tower retrieval model composed from towers and a task, the TFRS {@code tfrs.Model} with
 * {@code compute_loss} way: declare, {@link #fit}, {@link #evaluate}, then index or save. It is a
 * {@link RecommenderModel} with one Retrieval task of weight 1, named {@code retrieval}.
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
    private final Backend backend;
    private final Adagrad optimizer;
    private final RecommenderModel model;

    /**
     * A model of {@code spec} trained by {@code backend} with {@code optimizer}, its initial weights
     * drawn from {@code seed}; {@code options} are the backend's {@code -O} settings.
     */
    public RetrievalModel(RetrievalSpec spec, Map<String, StringLookup> vocabularies, org.recsys4j.task.Retrieval task,
            Backend backend, Adagrad optimizer, long seed, BackendOptions options) {
        this.spec = Objects.requireNonNull(spec);
        this.backend = Objects.requireNonNull(backend);
        this.optimizer = Objects.requireNonNull(optimizer);
        if (!task.options().equals(spec.task())) {
            throw new IllegalArgumentException("the task's options " + task.options() + " differ from the spec's "
                    + spec.task());
        }
        this.model = new RecommenderModel(ModelSpec.of(spec), vocabularies, Map.of("retrieval", task), backend,
                optimizer, seed, options);
    }

    /** As the full constructor, with the backend's default settings. */
    public RetrievalModel(RetrievalSpec spec, Map<String, StringLookup> vocabularies, org.recsys4j.task.Retrieval task,
            Backend backend, Adagrad optimizer, long seed) {
        this(spec, vocabularies, task, backend, optimizer, seed, BackendOptions.none());
    }

    /** Whether {@link #fit} updates the task's metrics on every training batch (TFRS's compute_metrics). */
    public RetrievalModel computeTrainingMetrics(boolean on) {
        model.computeTrainingMetrics(on);
        return this;
    }

    /**
     * Turns on TFRS's logQ correction with each candidate's sampling probability estimated from
     * {@code trainingData}: its share of the training examples, add-one smoothed so that no
     * probability is zero. Batches made after this call carry the probabilities.
     */
    public RetrievalModel logQCorrection(Interactions trainingData) {
        model.logQCorrection(trainingData);
        return this;
    }

    /** The data as batches of vocabulary rows, in order; look up once, train many epochs. */
    public List<FeatureBatch> batches(Interactions data, int batchSize) {
        return model.batches(data, batchSize);
    }

    /**
     * As {@link #batches(Interactions, int)}, each example weighted by the numeric column
     * {@code weightColumn} (Keras's {@code sample_weight}); null for equal weights.
     */
    public List<FeatureBatch> batches(Interactions data, int batchSize, String weightColumn) {
        return model.batches(data, batchSize, weightColumn);
    }

    /**
     * The query tower's context features of every example of {@code data}, as the towers take them
     * ({@link Tower#embedIndices(int[], org.recsys4j.model.Features)}): a categorical one's
     * vocabulary rows, a numeric one's values.
     */
    public org.recsys4j.model.Features queryContext(Interactions data) {
        return model.queryContext(spec.query(), data);
    }

    /** Trains on {@code data} in batches of {@code batchSize} for {@code epochs} epochs, as Keras's {@code fit}. */
    public History fit(Interactions data, int batchSize, int epochs, Progress progress) {
        return model.fit(data, batchSize, epochs, progress);
    }

    /** Trains on {@code batches}, in their order, for {@code epochs} epochs. */
    public History fit(List<FeatureBatch> batches, int epochs, Progress progress) {
        return model.fit(batches, epochs, progress);
    }

    /**
     * The batch with the task's extra negatives appended: every candidate row but OOV, or k rows
     * drawn uniformly (fresh at every step). Under the logQ correction each counts with the
     * probability of a uniform draw, 1/V.
     */
    public FeatureBatch withExtraNegatives(FeatureBatch batch) {
        return model.withExtraNegatives(batch);
    }

    /** The task's metrics and losses over {@code data}; keys as TFRS's {@code evaluate(return_dict=True)}. */
    public Map<String, Double> evaluate(Interactions data, int batchSize) {
        return model.evaluate(data, batchSize);
    }

    /** The task's metrics and losses over {@code batches}; keys as {@link #evaluate(Interactions, int)}. */
    public Map<String, Double> evaluate(List<FeatureBatch> batches) {
        return model.evaluate(batches);
    }

    /** The backend's trainer holding the weights (native memory, freed by {@link #close}). */
    public Trainer trainer() {
        return model.trainer();
    }

    /** The query tower at the current weights. */
    public Tower queryTower() {
        return model.trainer().queryTower();
    }

    /** The candidate tower at the current weights. */
    public Tower candidateTower() {
        return model.trainer().candidateTower();
    }

    /** The model's spec. */
    public RetrievalSpec spec() {
        return spec;
    }

    /** The vocabularies by feature name. */
    public Map<String, StringLookup> vocabularies() {
        return model.vocabularies();
    }

    /** The backend that trains it. */
    public Backend backend() {
        return backend;
    }

    /** The optimizer it trains with. */
    public Adagrad optimizer() {
        return optimizer;
    }

    /** The seed of its initial weights and its sampled negatives. */
    public long seed() {
        return model.seed();
    }

    /** The trained model as a backend-neutral bundle. */
    public ModelBundle toBundle(TrainingConfig training, Provenance provenance) {
        return new ModelBundle(spec, model.vocabularies(), model.trainer().weights(), training, provenance);
    }

    @Override
    public void close() {
        model.close();
    }
}
