package org.recsys4j.examples.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import org.recsys4j.baseline.EaseBaseline;
import org.recsys4j.baseline.ItemKnnBaseline;
import org.recsys4j.baseline.PopularityBaseline;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.data.MovieLensDatasets;
import org.recsys4j.examples.tutorial.RankingProtocol;
import org.recsys4j.metrics.ItemScorer;
import org.recsys4j.metrics.RankingEvaluation;
import org.recsys4j.metrics.UserItems;
import org.recsys4j.split.Split;
import org.recsys4j.split.SplitSpec;
import org.recsys4j.vocab.StringLookup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "baseline", mixinStandardHelpOptions = true,
        description = "Evaluate a baseline recommender on a split of MovieLens with the per-user ranking metrics"
                + " (recall, precision, NDCG, MAP, coverage at 10, 50, 100) and, for popularity, FactorizedTopK:"
                + " popularity recommends the most-rated movies to everyone, item-knn by cosine similarity to the"
                + " user's movies, ease by EASE's closed-form item weights.")
final class BaselineCommand implements Callable<Integer> {
    @Option(names = "--kind", defaultValue = "popularity", description = "Baseline: popularity (default), item-knn"
            + " or ease.")
    String kind;

    @Option(names = "--lambda", defaultValue = "200", description = "EASE's L2 weight (default ${DEFAULT-VALUE}).")
    double lambda;

    @Option(names = "--split", defaultValue = "random:0.8", description = "The split, as for retrieval (default"
            + " ${DEFAULT-VALUE}, the tutorial's).")
    String split;

    @Option(names = "--items", defaultValue = "movie_title", description = "What an item is: movie_title (default,"
            + " the models' candidates; MovieLens 100k lists a few titles twice) or movie_id.")
    String items;

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

    /** The baseline {@code kind} (popularity, item-knn or ease) fitted on {@code train}. */
    static ItemScorer scorer(String kind, UserItems train, double lambda) {
        return switch (kind) {
            case "item-knn" -> ItemKnnBaseline.fit(train);
            case "ease" -> EaseBaseline.fit(train, lambda);
            case "popularity" -> PopularityBaseline.scorer(train);
            default -> throw new IllegalArgumentException("--kind " + kind + " is not known; use popularity,"
                    + " item-knn or ease");
        };
    }

    @Override
    public Integer call() throws Exception {
        if (!List.of("popularity", "item-knn", "ease").contains(kind)) {
            throw new IllegalArgumentException("--kind " + kind + " is not known; use popularity, item-knn or ease");
        }
        if (!items.equals("movie_title") && !items.equals("movie_id")) {
            throw new IllegalArgumentException("--items must be movie_title or movie_id, got '" + items + "'");
        }
        SplitSpec spec = SplitSpec.parse(split);
        MovieLensData data = datasets.load(dataDir);
        Interactions ratings = data.ratings();
        Split s = RankingProtocol.split(ratings, spec, seed);
        Interactions train = ratings.select(s.train());
        Interactions test = ratings.select(s.test());
        // items as the models see them (sorted distinct titles), or movie ids in the order u.item lists them
        StringLookup itemVocabulary = items.equals("movie_title")
                ? StringLookup.ofUnique(data.movies().strings("movie_title"))
                : StringLookup.of(List.of(data.movies().strings("movie_id")));
        RankingEvaluation evaluation = RankingProtocol.evaluation(ratings, s,
                StringLookup.ofUnique(ratings.strings("user_id")), itemVocabulary, items);
        long start = System.nanoTime();
        ItemScorer scorer = scorer(kind, evaluation.train(), lambda);
        double fitSeconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (kind.equals("popularity")) {
            metrics.putAll(PopularityBaseline.evaluate(train, test, List.of(data.movies().strings(items)), items));
        }
        metrics.putAll(evaluation.evaluate(scorer));
        String name = kind + (kind.equals("ease") ? " (lambda " + lambda + ")" : "");
        out.line("Split: " + s + "; " + evaluation.users().length + " test users, " + evaluation.numItems() + " items ("
                + items + ")");
        out.metrics("Baseline " + name + ", test set (" + test.size() + " ratings):", metrics);
        if (report != null) {
            Report r = new Report().put("command", "baseline").put("kind", kind).put("seed", seed)
                    .put("split", s.describe()).put("items", items).put("test", metrics)
                    .put("fit_seconds", fitSeconds);
            if (kind.equals("ease")) {
                r.put("lambda", lambda);
            }
            r.write(report);
        }
        return 0;
    }
}
