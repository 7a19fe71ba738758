package org.recsys4j.examples.tutorial;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.data.MovieLensDatasets;
import org.recsys4j.metrics.RootMeanSquaredError;
import org.recsys4j.spec.Optimizer;
import org.recsys4j.spec.RankingLoss;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.Backends;
import org.recsys4j.task.Ranking;
import org.recsys4j.train.EpochLog;
import org.recsys4j.train.Progress;
import org.recsys4j.train.RecommenderModel;

/**
 * The TFRS "Recommending movies: ranking" tutorial in Java: user and title embeddings of 32, a
 * rating head {@code Dense(256), Dense(64), Dense(1)} trained with mean squared error
 * ({@code RootMeanSquaredError} as the metric), Adagrad 0.1, batch 8192, 3 epochs; then the test
 * RMSE and the tutorial's three predictions for user 42.
 */
public final class RankingTutorial {
    public static final String USER = "42";
    /** The titles the tutorial ranks for user 42. */
    public static final List<String> TITLES = List.of("M*A*S*H (1970)", "Dances with Wolves (1990)", "Speed (1994)");

    /** What the run produced: the test metrics, and user 42's predicted ratings, best first. */
    public record Result(String backendDescription, List<EpochReport> epochs, Map<String, Double> test,
            Map<String, Double> predictions, Map<String, String> dataFiles, java.nio.file.Path bundle) {
    }

    private RankingTutorial() {
    }

    /** The tutorial's settings: dimension 32, Adagrad 0.1, batch 8192 and 4096, 3 epochs. */
    public static TutorialConfig defaults() {
        return TutorialConfig.retrievalDefaults();
    }

    public static Result run(TutorialConfig config, Optimizer optimizer, MovieLensDatasets datasets, Progress progress)
            throws IOException {
        MovieLensData movielens = datasets.load(config.dataDir());
        Interactions shuffled = movielens.ratings().shuffle(config.seed());
        Interactions train = shuffled.take(80_000);
        Interactions test = shuffled.skip(80_000).take(20_000);
        RankingModels.Model m = RankingModels.basicRanking(movielens.ratings(), config.embeddingDim());
        Backend backend = Backends.get(config.backend());
        Ranking task = new Ranking(RankingLoss.MEAN_SQUARED_ERROR, List.of(new RootMeanSquaredError()));
        try (RecommenderModel model = new RecommenderModel(m.spec(), m.vocabularies(), Map.of("rating", task), backend,
                optimizer, config.seed(), config.backendOptions())) {
            List<EpochReport> epochs = new ArrayList<>();
            for (EpochLog e : model.fit(train, config.batchSize(), config.epochs(), progress).epochs()) {
                epochs.add(new EpochReport(e.epoch(), e.seconds(), e.logs()));
            }
            Map<String, Double> testMetrics = model.evaluate(test, config.evalBatchSize());
            Map<String, Double> predictions = predict(model, USER, TITLES);
            java.nio.file.Path bundle = RankingBundles.save(model, config, movielens, backend, "ranking");
            return new Result(backend.description(), epochs, testMetrics, predictions, movielens.files(), bundle);
        }
    }

    /** The model's predicted rating of each title for {@code user}, highest first (the tutorial's sort). */
    static Map<String, Double> predict(RecommenderModel model, String user, List<String> titles) {
        String[] users = new String[titles.size()];
        java.util.Arrays.fill(users, user);
        Interactions pairs = Interactions.builder().strings("user_id", users)
                .strings("movie_title", titles.toArray(String[]::new)).build();
        float[] ratings = model.predict(pairs, titles.size()).get("rating");
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < titles.size(); i++) {
            order.add(i);
        }
        order.sort((a, b) -> Float.compare(ratings[b], ratings[a]));
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i : order) {
            out.put(titles.get(i), (double) ratings[i]);
        }
        return out;
    }
}
