package org.recsys4j.examples.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import org.recsys4j.data.MovieLensDatasets;
import org.recsys4j.examples.tutorial.DcnTutorial;
import org.recsys4j.examples.tutorial.RankingModels;
import org.recsys4j.examples.tutorial.TutorialConfig;
import org.recsys4j.split.SplitSpec;
import org.recsys4j.train.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "dcn", mixinStandardHelpOptions = true,
        description = "The TFRS DCN tutorial on MovieLens 100k: six features embedded (32) and concatenated, then a"
                + " cross layer (full, or low rank 20) and Dense(192) twice, or Dense(192) three times; mean squared"
                + " error, Adam 0.01, batch 8192, 8 epochs, 5 runs per model; prints each model's test RMSE mean and"
                + " standard deviation.")
final class DcnCommand implements Callable<Integer> {
    /** The tutorial's published figures: {mean, stdv} of the test RMSE over 5 runs. */
    static final Map<RankingModels.DcnKind, double[]> PUBLISHED = Map.of(
            RankingModels.DcnKind.DCN, new double[] {0.9326, 0.0015},
            RankingModels.DcnKind.DCN_LOW_RANK, new double[] {0.9329, 0.0022},
            RankingModels.DcnKind.DNN, new double[] {0.9350, 0.0032});

    @Mixin
    TrainingOptions options = new TrainingOptions();

    @Mixin
    OptimizerOption optimizer = new OptimizerOption();

    @Option(names = "--runs", description = "Models trained per kind, each from other initial weights (default 5).")
    int runs = 5;

    @Option(names = "--models", split = ",", description = "Which of dcn, dcn-low-rank, dnn (default all three).")
    List<String> models;

    @Option(names = "--split", description = "How ratings divide into train and test: tfds:0.8 (default: the"
            + " tutorial's own split, TFDS's record order shuffled as tf.data does with --seed), random:0.8 (Java's"
            + " seeded shuffle), or any split that retrieval takes.")
    String split;

    private final MovieLensDatasets datasets;
    private final Output out;

    @Inject
    DcnCommand(MovieLensDatasets datasets, Output out) {
        this.datasets = datasets;
        this.out = out;
    }

    private Map<String, Object> described(TutorialConfig config) {
        Map<String, Object> c = Configs.describe(config);
        c.put("optimizer", optimizer.get("adam", config.learningRate()).toString());
        return c;
    }

    @Override
    public Integer call() throws Exception {
        TutorialConfig config = options.apply(DcnTutorial.defaults());
        if (split != null) {
            config = config.withSplit(SplitSpec.parse(split));
        }
        List<RankingModels.DcnKind> kinds = new ArrayList<>();
        for (String m : models == null ? List.of("dcn", "dcn-low-rank", "dnn") : models) {
            kinds.add(switch (m) {
                case "dcn" -> RankingModels.DcnKind.DCN;
                case "dcn-low-rank" -> RankingModels.DcnKind.DCN_LOW_RANK;
                case "dnn" -> RankingModels.DcnKind.DNN;
                default -> throw new IllegalArgumentException("--models takes dcn, dcn-low-rank and dnn, got '" + m
                        + "'");
            });
        }
        DcnTutorial.Result r = DcnTutorial.run(config, optimizer.get("adam", config.learningRate()), kinds, runs,
                datasets, ProgressBar.toStderr());
        out.line("Backend: " + r.backendDescription());
        out.line("Split: " + r.split());
        out.line("| model | test RMSE mean | stdv | published mean | published stdv | seconds |");
        out.line("| --- | ---: | ---: | ---: | ---: | ---: |");
        List<Map<String, Object>> report = new ArrayList<>();
        for (DcnTutorial.Row row : r.rows()) {
            double[] published = PUBLISHED.get(row.kind());
            out.line(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %.4f | %.0f |", row.kind().label,
                    row.mean(), row.stdv(), published[0], published[1], row.seconds()));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", row.kind().label);
            m.put("rmse", row.rmses());
            m.put("mean", row.mean());
            m.put("stdv", row.stdv());
            m.put("seconds", row.seconds());
            m.put("published", Map.of("mean", published[0], "stdv", published[1]));
            report.add(m);
        }
        if (options.report != null) {
            new Report().put("command", "dcn").put("backend", config.backend())
                    .put("backend_description", r.backendDescription()).put("config", described(config))
                    .put("split", r.split().describe()).put("runs", runs)
                    .put("models", report).put("data_files", r.dataFiles()).write(options.report);
            out.line("Report: " + options.report.toAbsolutePath());
        }
        return 0;
    }
}
