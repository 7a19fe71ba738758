package org.recsys4j.examples.cli;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import org.recsys4j.data.MovieLensDatasets;
import org.recsys4j.examples.tutorial.ItemToItem;
import org.recsys4j.examples.tutorial.TutorialConfig;
import org.recsys4j.train.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "item-to-item", mixinStandardHelpOptions = true,
        description = "Movie-to-movie retrieval: two movie towers trained on pairs of movies the same user rated close"
                + " in time; FactorizedTopK on held-out users' pairs; the nearest movies to a few titles from the"
                + " ScaNN index saved with the bundle.")
final class ItemToItemCommand implements Callable<Integer> {
    @Mixin
    TrainingOptions options = new TrainingOptions();

    @Mixin
    ScannOptions scann = new ScannOptions();

    @Option(names = "--window", defaultValue = "3", description = "Pair movies at most this many ratings apart in"
            + " a user's history (default ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--title", description = "A movie to find neighbours for; repeat for more (default: "
            + "Star Wars (1977), Toy Story (1995), Fargo (1996)).")
    List<String> titles;

    @Option(names = "--k", defaultValue = "10", description = "Neighbours per title (default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--num-leaves-to-search", description = "Leaves the index searches per query.")
    Integer numLeavesToSearch;

    @Option(names = "--num-reordering-candidates", description = "Candidates the index rescores exactly.")
    Integer numReorderingCandidates;

    private final MovieLensDatasets datasets;
    private final Output out;

    @Inject
    ItemToItemCommand(MovieLensDatasets datasets, Output out) {
        this.datasets = datasets;
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        TutorialConfig training = options.apply(ItemToItem.trainingDefaults());
        var index = scann.apply(ItemToItem.indexDefaults());
        if (numLeavesToSearch != null) {
            index = index.withNumLeavesToSearch(numLeavesToSearch);
        }
        if (numReorderingCandidates != null) {
            index = index.withNumReorderingCandidates(numReorderingCandidates);
        }
        if (k < 1) {
            throw new IllegalArgumentException("--k must be positive, got " + k);
        }
        ItemToItem.Config config = new ItemToItem.Config(training, window, 0.2, ItemToItem.MAX_TEST_PAIRS,
                titles == null || titles.isEmpty() ? ItemToItem.DEFAULT_TITLES : titles, k, index);
        ItemToItem.Result r = ItemToItem.run(config, datasets, ProgressBar.toStderr());
        out.line("Backend: " + r.backendDescription());
        out.line(String.format(Locale.ROOT, "Pairs: %,d to train on, %,d held out (users not trained on), window %d",
                r.trainPairs(), r.testPairs(), window));
        out.epochs(r.epochs());
        out.metrics("Held-out pairs, exact over all movies:", r.test());
        out.metrics("Held-out pairs, by identifier through the ScaNN index (" + r.indexLeaves() + " leaves):",
                r.testThroughIndex());
        r.neighbours().forEach((title, near) -> {
            out.line("Nearest to " + title + ":");
            for (int i = 0; i < near.size(); i++) {
                out.line(String.format(Locale.ROOT, "  %2d. %s", i + 1, near.get(i)));
            }
        });
        out.line("Bundle with its index: " + r.bundle().toAbsolutePath());
        if (options.report != null) {
            new Report().put("command", "item-to-item").put("backend", training.backend())
                    .put("backend_description", r.backendDescription()).put("config", Configs.describe(training))
                    .put("window", window).put("train_pairs", r.trainPairs()).put("test_pairs", r.testPairs())
                    .put("index", ScannOptions.describe(index)).put("epochs", r.epochs()).put("test", r.test())
                    .put("test_through_index", r.testThroughIndex()).put("neighbours", r.neighbours())
                    .put("bundle", r.bundle().toAbsolutePath().toString())
                    .write(options.report);
            out.line("Report: " + options.report.toAbsolutePath());
        }
        return 0;
    }
}
