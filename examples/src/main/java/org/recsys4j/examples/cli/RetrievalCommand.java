package org.recsys4j.examples.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import org.recsys4j.data.MovieLensDatasets;
import org.recsys4j.examples.tutorial.RetrievalTutorial;
import org.recsys4j.examples.tutorial.TutorialConfig;
import org.recsys4j.split.SplitSpec;
import org.recsys4j.train.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "retrieval", mixinStandardHelpOptions = true,
        description = "The TFRS retrieval tutorial on MovieLens 100k: train, evaluate, recommend for user 42,"
                + " save and reload the bundle, export and reload a SavedModel. With --backend onnx, tensorflow"
                + " trains and ONNX Runtime evaluates and recommends through exported .onnx files.")
final class RetrievalCommand implements Callable<Integer> {
    @Mixin
    TrainingOptions options = new TrainingOptions();

    @Option(names = "--preset", description = "Starting configuration: seed (the TFRS tutorial as published, default)"
            + ", best (logQ, L2 0.1, timestamp buckets as a query feature, 10 epochs: the best measured on the"
            + " seed's split) or temporal (split last:0.2, logQ, L2 0.05, the user's previous training title as a"
            + " query feature, 8 epochs: the best measured under that split). Other flags override it.")
    String preset = "seed";

    @Option(names = "--split", description = "How ratings divide into train and test: random:F (a seeded shuffle,"
            + " F to train; random:0.8, the tutorial's 80,000 / 20,000, is the default), temporal:F (a global time"
            + " cut-off), last:N or last:F (each user's last N, or last share F, of ratings by time), tfds:F (TFRS's"
            + " own split: TFDS's record order, shuffled as tf.data does with --seed).")
    String split;

    @Option(names = "--manual-loop", description = "Train with the hand-written train/test step (no model base class).")
    boolean manualLoop;

    /** The TFRS tutorial's test set: 20,000 of MovieLens 100k's ratings. */
    static final int TUTORIAL_TEST_RATINGS = 20_000;

    private final MovieLensDatasets datasets;
    private final Output out;

    @Inject
    RetrievalCommand(MovieLensDatasets datasets, Output out) {
        this.datasets = datasets;
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        TutorialConfig defaults = switch (preset) {
            case "seed" -> TutorialConfig.retrievalDefaults();
            case "best" -> TutorialConfig.best();
            case "temporal" -> TutorialConfig.temporal();
            default -> throw new IllegalArgumentException("--preset must be seed, best or temporal, got '" + preset
                    + "'");
        };
        TutorialConfig config = options.apply(defaults);
        if (split != null) {
            config = config.withSplit(SplitSpec.parse(split));
        }
        RetrievalTutorial.Result r = RetrievalTutorial.run(config, datasets, ProgressBar.toStderr(), manualLoop);
        out.line("Backend: " + r.backendDescription());
        out.epochs(r.epochs());
        out.line("Split: " + r.split());
        if (r.split().spec().equals(SplitSpec.seedDefault()) && r.split().test().length < TUTORIAL_TEST_RATINGS) {
            out.warn(String.format(java.util.Locale.ROOT, "the test set has %,d ratings, fewer than the tutorial's"
                    + " %,d: the data has %,d ratings, not MovieLens 100k's 100,000, so the numbers are not the"
                    + " tutorial's", r.split().test().length, TUTORIAL_TEST_RATINGS, r.split().rows()));
        }
        out.metrics("Test set (" + r.split().test().length + " ratings):", r.test());
        out.metrics("Most-popular baseline, same split and metric:", r.popularityBaseline());
        out.metrics("Served view (each user's training titles left out), trained model:", r.testServed());
        out.metrics("Served view, most-popular baseline:", r.popularityServed());
        out.metrics("Per-user ranking (each user's test titles relevant, training titles left out), trained model:",
                r.testRanking());
        out.metrics("Per-user ranking, most-popular baseline:", r.popularityRanking());
        r.recommendations().forEach((source, titles) -> out.recommendations(RetrievalTutorial.USER, source, titles));
        boolean same = r.recommendations().values().stream().distinct().count() == 1;
        String sources = String.join(", ", r.recommendations().keySet());
        if (same) {
            out.line("All agree: " + sources + ".");
        } else {
            out.warn("these disagree: " + sources + "; see the recommendations above");
        }
        out.line("Bundle: " + r.bundle().toAbsolutePath());
        out.line("SavedModel: " + r.savedModel().toAbsolutePath());
        Map<String, Object> exports = new LinkedHashMap<>();
        exports.put("savedmodel", r.savedModel().toAbsolutePath().toString());
        if (r.onnx() != null) {
            exports.put("onnx", r.onnx().describe());
            r.onnx().describe().forEach((kind, path) -> out.line("ONNX " + kind + ": " + path));
        }
        if (options.report != null) {
            Map<String, List<String>> recs = new LinkedHashMap<>();
            recs.put(RetrievalTutorial.USER, r.recommendations().get("trained"));
            Map<String, Map<String, Double>> baselines = new LinkedHashMap<>();
            Map<String, Double> popularity = new LinkedHashMap<>(r.popularityBaseline());
            popularity.putAll(r.popularityRanking());
            baselines.put("popularity", popularity);
            Map<String, Double> test = new LinkedHashMap<>(r.test());
            test.putAll(r.testRanking());
            baselines.put("popularity_served", r.popularityServed());
            new Report().put("command", "retrieval").put("backend", config.backend())
                    .put("training_backend", r.trainingBackend())
                    .put("backend_description", r.backendDescription()).put("config", Configs.describe(config))
                    .put("split", r.split().describe())
                    .put("epochs", r.epochs()).put("test", test)
                    .put("test_served", r.testServed()).put("baseline", baselines).put("recommendations", recs)
                    .put("recommendations_by_source", r.recommendations())
                    .put("bundle", r.bundle().toAbsolutePath().toString())
                    .put("exports", exports)
                    .put("data_files", r.dataFiles())
                    .write(options.report);
            out.line("Report: " + options.report.toAbsolutePath());
        }
        return same ? ExitCode.OK : ExitCode.CHECK_FAILED;
    }
}
