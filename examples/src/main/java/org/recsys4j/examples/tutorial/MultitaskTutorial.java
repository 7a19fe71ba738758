package org.recsys4j.examples.tutorial;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.data.MovieLensDatasets;
import org.recsys4j.metrics.FactorizedTopK;
import org.recsys4j.metrics.RootMeanSquaredError;
import org.recsys4j.spec.ModelSpec;
import org.recsys4j.spec.Optimizer;
import org.recsys4j.spec.RankingLoss;
import org.recsys4j.spec.RankingTask;
import org.recsys4j.spec.RetrievalTask;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.Backends;
import org.recsys4j.task.Ranking;
import org.recsys4j.task.Retrieval;
import org.recsys4j.task.Task;
import org.recsys4j.train.EpochLog;
import org.recsys4j.train.Progress;
import org.recsys4j.train.RecommenderModel;
import org.recsys4j.vocab.StringLookup;

/**
 * The TFRS multitask tutorial in Java: one model with a user and a title tower shared by a
 * {@code Ranking} task (a rating head {@code Dense(256), Dense(128), Dense(1)} over both towers'
 * embeddings, mean squared error) and a {@code Retrieval} task (FactorizedTopK over every movie),
 * their losses summed with weights: {@code rating * rating_loss + retrieval * retrieval_loss}. The
 * tutorial trains three such models (weights 1 and 0, 0 and 1, 1 and 1) and reports each one's test
 * retrieval top-100 accuracy and rating RMSE.
 *
 * <p>The retrieval options and tower features of the retrieval command apply to the Retrieval task
 * and the towers ({@code --logq}, {@code --l2}, {@code --features timestamp}, ...).
 */
public final class MultitaskTutorial {
    /** The tutorial's three models: {rating weight, retrieval weight}. */
    public static final List<double[]> TUTORIAL_WEIGHTS = List.of(new double[] {1, 0}, new double[] {0, 1},
            new double[] {1, 1});

    /** One model's weights, its test metrics and its epochs. */
    public record Row(double ratingWeight, double retrievalWeight, Map<String, Double> test,
            List<EpochReport> epochs) {
        public double top100() {
            return test.get(FactorizedTopK.metricName(100));
        }

        /** Top-100 with ties counted against the positive, as the retrieval command's best figures are. */
        public double top100TieRobust() {
            return test.get("factorized_top_k/top_100_tie_robust_accuracy");
        }

        public double top10TieRobust() {
            return test.get("factorized_top_k/top_10_tie_robust_accuracy");
        }

        public double rmse() {
            return test.get("root_mean_squared_error");
        }
    }

    /** What the run produced. */
    public record Result(String backendDescription, List<Row> rows, Map<String, Object> features,
            Map<String, String> dataFiles) {
    }

    private MultitaskTutorial() {
    }

    /** The tutorial's settings: dimension 32, Adagrad 0.1, batch 8192 and 4096, 3 epochs. */
    public static TutorialConfig defaults() {
        return TutorialConfig.retrievalDefaults();
    }

    public static Result run(TutorialConfig config, Optimizer optimizer, List<double[]> weights,
            MovieLensDatasets datasets, Progress progress) throws IOException {
        MovieLensData movielens = datasets.load(config.dataDir());
        Interactions ratings = movielens.ratings();
        Interactions movies = movielens.movies();
        Interactions shuffled = ratings.shuffle(config.seed());
        Interactions train = shuffled.take(80_000);
        Interactions test = shuffled.skip(80_000).take(20_000);
        StringLookup users = StringLookup.ofUnique(ratings.strings("user_id"));
        StringLookup titles = StringLookup.ofUnique(movies.strings("movie_title"));
        int dim = config.embeddingDim();
        MovieLensFeatures.Featurized featurized = MovieLensFeatures.apply(config.features(), config.timestampBuckets(),
                TowerSpec.embedding("user", "user_id", users.size(), dim),
                TowerSpec.embedding("movie", "movie_title", titles.size(), dim), users, titles, ratings, movies,
                train, test);
        Map<String, StringLookup> vocabularies = new LinkedHashMap<>(Map.of("user_id", users, "movie_title", titles));
        vocabularies.putAll(featurized.contextVocabularies());
        TowerSpec user = RetrievalTutorial.deep(featurized.query(), config);
        TowerSpec movie = RetrievalTutorial.deep(featurized.candidate(), config);
        List<String> candidates = List.of(movies.strings("movie_title"));
        Backend backend = Backends.get(config.backend());
        List<Row> rows = new ArrayList<>();
        for (double[] w : weights) {
            ModelSpec spec = spec(user, movie, config, w[0], w[1]);
            Map<String, Task> tasks = Map.of(
                    "rating", new Ranking(RankingLoss.MEAN_SQUARED_ERROR, List.of(new RootMeanSquaredError())),
                    "retrieval", new Retrieval(config.task(),
                            List.of(new FactorizedTopK(candidates).reportTieRobust())));
            try (RecommenderModel model = new RecommenderModel(spec, vocabularies, tasks, backend, optimizer,
                    config.seed(), config.backendOptions())) {
                model.computeTrainingMetrics(config.trainingMetrics());
                if (config.logQ()) {
                    model.logQCorrection(featurized.train());
                }
                List<EpochReport> epochs = new ArrayList<>();
                for (EpochLog e : model.fit(featurized.train(), config.batchSize(), config.epochs(), progress)
                        .epochs()) {
                    epochs.add(new EpochReport(e.epoch(), e.seconds(), e.logs()));
                }
                rows.add(new Row(w[0], w[1], model.evaluate(featurized.test(), config.evalBatchSize()), epochs));
            }
        }
        return new Result(backend.description(), rows, featurized.description(), movielens.files());
    }

    /** The tutorial's model with the given loss weights. */
    static ModelSpec spec(TowerSpec user, TowerSpec movie, TutorialConfig config, double ratingWeight,
            double retrievalWeight) {
        return new ModelSpec(List.of(user, movie), List.of(
                RankingTask.rating("rating", List.of("user", "movie"), RankingModels.RATING, ratingWeight, 256, 128),
                new RetrievalTask("retrieval", "user", "movie", config.task(), retrievalWeight)));
    }
}
