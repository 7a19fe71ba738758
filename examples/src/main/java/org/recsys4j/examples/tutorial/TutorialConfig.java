package org.recsys4j.examples.tutorial;

import java.nio.file.Path;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.split.SplitSpec;
import org.recsys4j.spi.BackendOptions;

/**
 * The knobs of the tutorials, with the seed's values as defaults.
 *
 * @param dataDir MovieLens directory, or null to use RECSYS4J_DATA or the download cache
 * @param trainingMetrics compute FactorizedTopK on every training batch (TFRS compute_metrics)
 * @param logQ apply TFRS's logQ correction, with sampling probabilities estimated from the training data
 * @param task the Retrieval task's options: temperature, L2, accidental hits, hard and extra negatives
 * @param features tower features besides the ids ({@link MovieLensFeatures#KINDS}); none in the seed
 * @param timestampBuckets equal-frequency buckets of the {@code timestamp} feature
 * @param candidateBias a learned per-candidate score bias ({@code RetrievalSpec.withCandidateBias})
 * @param normalize L2-normalise both towers' outputs ({@code TowerSpec.withNormalize})
 * @param layerSizes dense layers on top of each tower's embeddings, as TFRS's deep retrieval
 *     tutorial builds them: ReLU between, the last one linear (none in the seed)
 * @param split how ratings divide into train and test ({@code random:0.8}, the seed's shuffle, by
 *     default; the quickstart trains on all ratings and ignores it)
 */
public record TutorialConfig(String backend, BackendOptions backendOptions, int epochs, int batchSize,
        int evalBatchSize, int embeddingDim, double learningRate, long seed, Path dataDir, boolean trainingMetrics,
        Path outputDir, boolean logQ, RetrievalTaskSpec task, java.util.Set<String> features, int timestampBuckets,
        boolean candidateBias, boolean normalize, java.util.List<Integer> layerSizes, SplitSpec split) {

    public TutorialConfig {
        features = features == null ? java.util.Set.of() : java.util.Set.copyOf(features);
        layerSizes = layerSizes == null ? java.util.List.of() : java.util.List.copyOf(layerSizes);
        split = split == null ? SplitSpec.seedDefault() : split;
    }

    public TutorialConfig withSplit(SplitSpec split) {
        return new TutorialConfig(backend, backendOptions, epochs, batchSize, evalBatchSize, embeddingDim, learningRate,
                seed, dataDir, trainingMetrics, outputDir, logQ, task, features, timestampBuckets, candidateBias,
                normalize, layerSizes, split);
    }

    /**
     * The backend options to hand {@code to}: every one checked against the backends this run uses
     * (the one named, and {@link #DEFAULT_TRAINER} when that one cannot train), which refuses a key
     * none of them takes and a value its type does not parse; then those {@code to} declares.
     */
    public BackendOptions backendOptions(org.recsys4j.spi.Backend to) {
        org.recsys4j.spi.Backend named = org.recsys4j.spi.Backends.get(backend);
        org.recsys4j.spi.Backend trainer = trainerFor(named);
        return backendOptions.validate(trainer == named ? java.util.List.of(named) : java.util.List.of(named, trainer))
                .only(to);
    }

    /** Weight of the per-example L2 penalty on the tower outputs (0: none, as in the seed). */
    public double l2() {
        return task.l2PerExample();
    }

    public TutorialConfig withEmbeddingDim(int dim, boolean trainingMetrics) {
        return new TutorialConfig(backend, backendOptions, epochs, batchSize, evalBatchSize, dim, learningRate, seed,
                dataDir, trainingMetrics, outputDir, logQ, task, features, timestampBuckets, candidateBias,
                normalize, layerSizes, split);
    }

    /** The fastest trainer measured on CPU (see README, "Speed"); every backend reads the bundles it writes. */
    public static final String DEFAULT_BACKEND = "tensorflow";

    /**
     * The backend that trains when the one named cannot (an inference-only runtime such as
     * {@code onnx}): the named backend then evaluates and serves what this one trained.
     */
    public static final String DEFAULT_TRAINER = DEFAULT_BACKEND;

    /** The backend that trains for {@code named}: itself, or {@link #DEFAULT_TRAINER} when it cannot train. */
    public static org.recsys4j.spi.Backend trainerFor(org.recsys4j.spi.Backend named) {
        return named.canTrain() ? named : org.recsys4j.spi.Backends.get(DEFAULT_TRAINER);
    }

    /** The trained model as a bundle: this config's training settings and the data's provenance. */
    public org.recsys4j.bundle.ModelBundle toBundle(org.recsys4j.train.RetrievalModel model,
            org.recsys4j.data.MovieLensData data, org.recsys4j.spi.Backend trainer) {
        return toBundle(model, data, trainer, null);
    }

    /** As above, recording the train/test split ({@code last:0.2}, say) the model was trained on. */
    public org.recsys4j.bundle.ModelBundle toBundle(org.recsys4j.train.RetrievalModel model,
            org.recsys4j.data.MovieLensData data, org.recsys4j.spi.Backend trainer, String split) {
        return model.toBundle(new org.recsys4j.spec.TrainingConfig(model.optimizer(), batchSize, evalBatchSize, epochs,
                seed, split), new org.recsys4j.bundle.Provenance(data.name(), data.files(), seed, trainer.name(),
                Versions.all(trainer), java.time.Instant.now().toString()));
    }

    /** How a run describes its backends: the named one, and the trainer when another one trained. */
    public static String describe(org.recsys4j.spi.Backend named, org.recsys4j.spi.Backend trainer) {
        return named == trainer ? named.description() : named.description() + "; trained on " + trainer.description();
    }

    /** The TFRS retrieval tutorial: dimension 32, Adagrad 0.1, batch 8192/4096, 3 epochs, seed 42. */
    public static TutorialConfig retrievalDefaults() {
        return new TutorialConfig(DEFAULT_BACKEND, BackendOptions.none(), 3, 8192, 4096, 32, 0.1, 42, null, false,
                Path.of("models"), false, RetrievalTaskSpec.defaults(), java.util.Set.of(), 1000, false, false,
                java.util.List.of(), null);
    }

    /**
     * The best model measured on the seed's split (README, "Retrieval quality"): logQ correction,
     * per-example L2 0.1, the rating's timestamp in 1000 equal-frequency buckets as a query
     * feature, 10 epochs; everything else as the seed.
     */
    public static TutorialConfig best() {
        return new TutorialConfig(DEFAULT_BACKEND, BackendOptions.none(), 10, 8192, 4096, 32, 0.1, 42, null, false,
                Path.of("models"), true, new RetrievalTaskSpec(1.0, 0.1), java.util.Set.of(MovieLensFeatures.TIMESTAMP),
                1000, false, false, java.util.List.of(), null);
    }

    /**
     * The best model measured under an honest protocol (README, "Honest evaluation"): each user's
     * last fifth of ratings by time is test ({@code last:0.2}); the query reads the user id and the
     * title of the user's latest training rating before the example ({@code previous_title}); logQ
     * correction, per-example L2 0.05, 8 epochs; everything else as the seed.
     */
    public static TutorialConfig temporal() {
        return new TutorialConfig(DEFAULT_BACKEND, BackendOptions.none(), 8, 8192, 4096, 32, 0.1, 42, null, false,
                Path.of("models"), true, new RetrievalTaskSpec(1.0, 0.05),
                java.util.Set.of(MovieLensFeatures.PREVIOUS_TITLE), 1000, false, false, java.util.List.of(),
                SplitSpec.parse("last:0.2"));
    }

    /** The TFRS quickstart: dimension 64, Adagrad 0.5, batch 4096, 3 epochs, all ratings. */
    public static TutorialConfig quickstartDefaults() {
        return new TutorialConfig(DEFAULT_BACKEND, BackendOptions.none(), 3, 4096, 4096, 64, 0.5, 42, null, true,
                Path.of("models"), false, RetrievalTaskSpec.defaults(), java.util.Set.of(), 1000, false, false,
                java.util.List.of(), null);
    }
}
