package org.recsys4j.examples.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.recsys4j.examples.tutorial.MovieLensFeatures;
import org.recsys4j.examples.tutorial.TutorialConfig;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spi.BackendOptions;
import picocli.CommandLine.Option;

/** The options every training command shares; unset ones keep the tutorial's defaults. */
public final class TrainingOptions {
    @Option(names = "--backend", description = "Backend: tensorflow (default, the fastest trainer measured here) or"
            + " nd4j train and serve; onnx evaluates and serves through ONNX Runtime what the default trainer"
            + " trained (it cannot train).")
    String backend;

    @Option(names = "--epochs", description = "Epochs to train.")
    Integer epochs;

    @Option(names = "--batch-size", description = "Training batch size.")
    Integer batchSize;

    @Option(names = "--eval-batch-size", description = "Evaluation batch size.")
    Integer evalBatchSize;

    @Option(names = "--embedding-dim", description = "Embedding dimension of both towers.")
    Integer embeddingDim;

    @Option(names = "--learning-rate", description = "Adagrad learning rate.")
    Double learningRate;

    @Option(names = "--seed", description = "Seed of the shuffle and the initial weights.")
    Long seed;

    @Option(names = "--data-dir", description = "MovieLens directory (u.data, u.item, u.user, or ratings.csv"
            + " and movies.csv). Default: $RECSYS4J_DATA, else downloaded once into ~/.cache/recsys4j.")
    Path dataDir;

    @Option(names = "--output-dir", description = "Where bundles and exports go (default: models).")
    Path outputDir;

    @Option(names = "--train-metrics", negatable = true,
            description = "Compute FactorizedTopK on training batches (TFRS compute_metrics).")
    Boolean trainingMetrics;

    @Option(names = "--threads",
            description = "Backend threads (TensorFlow intra- and inter-op pools, ND4J softmax workers"
            + " and OpenMP, ONNX Runtime intra-op pool); 0 or absent: every core.")
    Integer threads;

    @Option(names = "--xla", description = "TensorFlow: compile with XLA (global JIT ON_1).")
    boolean xla;

    @Option(names = "--device", description = "TensorFlow: place the graph on /CPU:0, /GPU:0 or a TPU device."
            + " ONNX Runtime: /CPU:0, or /GPU:n for its CUDA execution provider.")
    String device;

    @Option(names = {"-O", "--backend-option"}, description = "A backend setting KEY=VALUE, repeatable, e.g."
            + " -O collapse=false (nd4j: the plain n x n in-batch softmax).")
    Map<String, String> extraBackendOptions = new LinkedHashMap<>();

    @Option(names = "--logq", description = "TFRS's logQ correction: auto (sampling probabilities from the training"
            + " data's candidate frequencies) or none (default).")
    String logQ;

    @Option(names = "--l2", description = "Weight of the per-example L2 penalty on the tower outputs, reported as"
            + " regularization_loss (default 0).")
    Double l2;

    @Option(names = "--temperature", description = "Retrieval task: logits are divided by it (default 1).")
    Double temperature;

    @Option(names = "--l2-table", description = "Keras-style L2 on every embedding table and dense kernel,"
            + " l2 * sum W^2, part of regularization_loss (default 0).")
    Double l2Table;

    @Option(names = "--remove-accidental-hits", negatable = true, description = "Retrieval task: other in-batch"
            + " copies of a row's positive candidate are not its negatives (TFRS remove_accidental_hits).")
    Boolean removeAccidentalHits;

    @Option(names = "--hard-negatives", description = "Retrieval task: keep each row's positive and its K highest"
            + " other logits (TFRS num_hard_negatives; 0 keeps all). Batches are not collapsed then.")
    Integer hardNegatives;

    @Option(names = "--extra-negatives", description = "Negatives beyond the batch's candidates at every training"
            + " step: a count drawn uniformly from the candidate vocabulary, or 'all' (default 0).")
    String extraNegatives;

    @Option(names = "--features", description = "Tower features besides the ids, comma-separated: timestamp (the"
            + " rating's time in equal-frequency buckets, a query feature), timestamp_normalized (the rating's time"
            + " normalised, (x - mean) / std over training, times a learned vector; a query feature), user (age"
            + " bucket, gender, occupation,"
            + " zip digit), title (title words and genres), previous_title (the title of the user's latest"
            + " training rating before this one, a query context); or none (default).")
    String features;

    @Option(names = "--candidate-bias", negatable = true, description = "A learned per-candidate score bias (an"
            + " extra output column: the bias on the candidate tower, 1 on the query tower).")
    Boolean candidateBias;

    @Option(names = "--layer-sizes", split = ",", description = "Dense layers on top of each tower's embeddings,"
            + " e.g. 64,32 (TFRS deep retrieval: ReLU between, the last linear; default none).")
    java.util.List<Integer> layerSizes;

    @Option(names = "--normalize", negatable = true, description = "L2-normalise both towers' outputs (scores"
            + " become cosines; pair it with --temperature below 1).")
    Boolean normalize;

    @Option(names = "--timestamp-buckets", description = "Buckets of the timestamp feature (default 1000).")
    Integer timestampBuckets;

    @Option(names = "--report", description = "Also write the results as JSON to this file.")
    Path report;

    TutorialConfig apply(TutorialConfig d) {
        if (logQ != null && !logQ.equals("auto") && !logQ.equals("none")) {
            throw new IllegalArgumentException("--logq must be auto or none, got '" + logQ + "'");
        }
        Map<String, String> backendOptions = new LinkedHashMap<>(extraBackendOptions);
        if (threads != null) {
            backendOptions.put("threads", threads.toString());
        }
        if (xla) {
            backendOptions.put("xla", "true");
        }
        if (device != null) {
            backendOptions.put("device", device);
        }
        TutorialConfig config = new TutorialConfig(backend != null ? backend : d.backend(),
                new BackendOptions(backendOptions),
                positive("--epochs", epochs, d.epochs(), true),
                positive("--batch-size", batchSize, d.batchSize(), false),
                positive("--eval-batch-size", evalBatchSize, d.evalBatchSize(), false),
                positive("--embedding-dim", embeddingDim, d.embeddingDim(), false),
                learningRate != null ? learningRate : d.learningRate(), seed != null ? seed : d.seed(),
                dataDir != null ? dataDir : d.dataDir(),
                trainingMetrics != null ? trainingMetrics : d.trainingMetrics(),
                outputDir != null ? outputDir : d.outputDir(), logQ != null ? logQ.equals("auto") : d.logQ(),
                task(d.task()), features != null ? MovieLensFeatures.parse(features) : d.features(),
                positive("--timestamp-buckets", timestampBuckets, d.timestampBuckets(), false),
                candidateBias != null ? candidateBias : d.candidateBias(),
                normalize != null ? normalize : d.normalize(), layerSizes != null ? sizes(layerSizes) : d.layerSizes(),
                d.split());
        // -O keys and values are checked against the backends in use before any data is read
        config.backendOptions(org.recsys4j.spi.Backends.get(config.backend()));
        return config;
    }

    private static java.util.List<Integer> sizes(java.util.List<Integer> sizes) {
        for (int s : sizes) {
            positive("--layer-sizes", s, 1, false);
        }
        return sizes;
    }

    private RetrievalTaskSpec task(RetrievalTaskSpec d) {
        return new RetrievalTaskSpec(temperature != null ? positiveReal("--temperature", temperature) : d.temperature(),
                l2 != null ? nonNegative("--l2", l2) : d.l2PerExample(),
                l2Table != null ? nonNegative("--l2-table", l2Table) : d.l2PerTable(),
                removeAccidentalHits != null ? removeAccidentalHits : d.removeAccidentalHits(),
                hardNegatives != null ? positive("--hard-negatives", hardNegatives, 0, true) : d.numHardNegatives(),
                extraNegatives != null ? extraNegatives(extraNegatives) : d.extraNegatives());
    }

    private static int extraNegatives(String value) {
        if (value.equals("all")) {
            return RetrievalTaskSpec.ALL_CANDIDATES;
        }
        try {
            return positive("--extra-negatives", Integer.parseInt(value), 0, true);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--extra-negatives must be a count or 'all', got '" + value + "'");
        }
    }

    private static double positiveReal(String flag, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(flag + " must be a positive number, got " + value);
        }
        return value;
    }

    private static double nonNegative(String flag, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(flag + " must be 0 or more, got " + value);
        }
        return value;
    }

    private static int positive(String flag, Integer value, int fallback, boolean zeroAllowed) {
        if (value == null) {
            return fallback;
        }
        if (value < (zeroAllowed ? 0 : 1)) {
            throw new IllegalArgumentException(flag + " must be " + (zeroAllowed ? "0 or more" : "positive")
                    + ", got " + value);
        }
        return value;
    }
}
