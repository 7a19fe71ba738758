package org.recsys4j.examples.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import org.recsys4j.baseline.PopularityBaseline;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.data.MovieLensDatasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "baseline", mixinStandardHelpOptions = true,
        description = "Evaluate a baseline recommender on the tutorial's split with FactorizedTopK: popularity"
                + " recommends the most-rated movies to everyone.")
final class BaselineCommand implements Callable<Integer> {
    @Option(names = "--kind", defaultValue = "popularity", description = "Baseline: popularity (default).")
    String kind;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the shuffle (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--data-dir", description = "MovieLens directory (default as for training).")
    Path dataDir;

    @Option(names = "--report", description = "Also write the results as JSON to this file.")
    Path report;

    private final MovieLensDatasets datasets;
    private final Output out;

    @Inject
    BaselineCommand(MovieLensDatasets datasets, Output out) {
        this.datasets = datasets;
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        if (!kind.equals("popularity")) {
            throw new IllegalArgumentException("--kind " + kind + " is not known; use popularity");
        }
        MovieLensData data = datasets.load(dataDir);
        Interactions shuffled = data.ratings().shuffle(seed);
        Map<String, Double> metrics = PopularityBaseline.evaluate(shuffled.take(80_000),
                shuffled.skip(80_000).take(20_000), List.of(data.movies().strings("movie_title")), "movie_title");
        out.metrics("Most-popular baseline, test set (20000 ratings):", metrics);
        if (report != null) {
            new Report().put("command", "baseline").put("kind", kind).put("seed", seed).put("test", metrics)
                    .write(report);
        }
        return 0;
    }
}
