package org.recsys4j.examples.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import org.recsys4j.data.MovieLensDatasets;
import org.recsys4j.examples.tutorial.RankingTutorial;
import org.recsys4j.examples.tutorial.TutorialConfig;
import org.recsys4j.train.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "ranking", mixinStandardHelpOptions = true,
        description = "The TFRS basic ranking tutorial on MovieLens 100k: user and title embeddings (32), a rating"
                + " head Dense(256)-Dense(64)-Dense(1), mean squared error, Adagrad 0.1, batch 8192, 3 epochs;"
                + " prints the test RMSE and user 42's predicted ratings.")
final class RankingCommand implements Callable<Integer> {
    @Mixin
    TrainingOptions options = new TrainingOptions();

    @Mixin
    OptimizerOption optimizer = new OptimizerOption();

    private final MovieLensDatasets datasets;
    private final Output out;

    @Inject
    RankingCommand(MovieLensDatasets datasets, Output out) {
        this.datasets = datasets;
        this.out = out;
    }

    private java.util.Map<String, Object> described(TutorialConfig config) {
        java.util.Map<String, Object> c = Configs.describe(config);
        c.put("optimizer", optimizer.get("adagrad", config.learningRate()).toString());
        return c;
    }

    @Override
    public Integer call() throws Exception {
        TutorialConfig config = options.apply(RankingTutorial.defaults());
        RankingTutorial.Result r = RankingTutorial.run(config, optimizer.get("adagrad", config.learningRate()),
                datasets, ProgressBar.toStderr());
        out.line("Backend: " + r.backendDescription());
        out.epochs(r.epochs());
        out.metrics("Test set (20000 ratings):", r.test());
        out.line("Predicted ratings for user " + RankingTutorial.USER + ":");
        r.predictions().forEach((title, rating) -> out.line(String.format(Locale.ROOT, "  %-32s %.4f", title, rating)));
        out.line("Bundle: " + r.bundle().toAbsolutePath());
        if (options.report != null) {
            new Report().put("command", "ranking").put("backend", config.backend())
                    .put("backend_description", r.backendDescription()).put("config", described(config))
                    .put("epochs", r.epochs()).put("test", r.test())
                    .put("predictions", java.util.Map.of(RankingTutorial.USER, r.predictions()))
                    .put("bundle", r.bundle().toAbsolutePath().toString())
                    .put("data_files", r.dataFiles()).write(options.report);
            out.line("Report: " + options.report.toAbsolutePath());
        }
        return 0;
    }
}
