package org.recsys4j.examples.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import org.recsys4j.data.MovieLensDatasets;
import org.recsys4j.examples.tutorial.Quickstart;
import org.recsys4j.examples.tutorial.TutorialConfig;
import org.recsys4j.train.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "The TFRS quickstart: train on all 100k ratings (dimension 64, Adagrad 0.5), top 3 for user 42.")
final class QuickstartCommand implements Callable<Integer> {
    @Mixin
    TrainingOptions options = new TrainingOptions();

    private final MovieLensDatasets datasets;
    private final Output out;

    @Inject
    QuickstartCommand(MovieLensDatasets datasets, Output out) {
        this.datasets = datasets;
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        TutorialConfig config = options.apply(TutorialConfig.quickstartDefaults());
        Quickstart.Result r = Quickstart.run(config, datasets, ProgressBar.toStderr());
        out.line("Backend: " + r.backendDescription());
        out.epochs(r.epochs());
        if (!r.epochs().isEmpty()) {
            out.metrics("Training metrics, last epoch:", r.epochs().get(r.epochs().size() - 1).logs());
        }
        r.recommendations().forEach((source, titles) -> out.recommendations("42", source, titles));
        boolean same = r.recommendations().values().stream().distinct().count() == 1;
        if (!same) {
            out.warn("these disagree: " + String.join(", ", r.recommendations().keySet()));
        }
        if (options.report != null) {
            new Report().put("command", "quickstart").put("backend", config.backend())
                    .put("backend_description", r.backendDescription()).put("config", Configs.describe(config))
                    .put("epochs", r.epochs()).put("recommendations", Map.of("42", r.top3()))
                    .put("recommendations_by_source", r.recommendations())
                    .write(options.report);
            out.line("Report: " + options.report.toAbsolutePath());
        }
        return same ? ExitCode.OK : ExitCode.CHECK_FAILED;
    }
}
