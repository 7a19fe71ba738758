package org.recsys4j.examples.tutorial;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.data.MovieLensDatasets;
import org.recsys4j.index.BruteForceIndex;
import org.recsys4j.index.TopK;
import org.recsys4j.metrics.FactorizedTopK;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.Backends;
import org.recsys4j.task.Retrieval;
import org.recsys4j.train.EpochLog;
import org.recsys4j.train.History;
import org.recsys4j.train.Progress;
import org.recsys4j.train.RetrievalModel;
import org.recsys4j.vocab.StringLookup;

/**
 * The TFRS quickstart in Java: train a two-tower model on all 100k ratings and recommend three
 * movies for user 42. It reads like the seed's Python, step by step.
 */
public final class Quickstart {
    /** What the run produced. */
    public record Result(List<EpochReport> epochs, List<String> top3, String backendDescription) {
    }

    private Quickstart() {
    }

    public static Result run(TutorialConfig config, MovieLensDatasets datasets, Progress progress) throws IOException {
        // Ratings data and the features of all the movies.
        MovieLensData movielens = datasets.load(config.dataDir());
        Interactions ratings = movielens.ratings();
        Interactions movies = movielens.movies();

        // Build vocabularies to convert user ids and movie titles into integer indices for embedding layers.
        StringLookup userIds = StringLookup.adapt(ratings.strings("user_id"));
        StringLookup movieTitles = StringLookup.adapt(movies.strings("movie_title"));

        // Define user and movie models, and the retrieval task with its metric over all movies.
        RetrievalSpec spec = new RetrievalSpec(
                TowerSpec.embedding("query", "user_id", userIds.size(), config.embeddingDim()),
                TowerSpec.embedding("candidate", "movie_title", movieTitles.size(), config.embeddingDim()),
                config.task());
        List<String> candidates = List.of(movies.strings("movie_title"));
        Retrieval task = new Retrieval(spec.task(), List.of(new FactorizedTopK(candidates)));

        // Create a retrieval model, and train it for 3 epochs.
        try (RetrievalModel model = new RetrievalModel(spec, Map.of("user_id", userIds, "movie_title", movieTitles),
                task, Backends.get(config.backend()), new Adagrad(config.learningRate()), config.seed(),
                config.backendOptions())) {
            model.computeTrainingMetrics(config.trainingMetrics());
            if (config.logQ()) {
                model.logQCorrection(ratings);
            }
            History history = model.fit(ratings, config.batchSize(), config.epochs(), progress);

            // Use brute-force search to set up retrieval using the trained representations.
            BruteForceIndex index = new BruteForceIndex(model.queryTower());
            index.index(candidates, model.candidateTower().embed(candidates.toArray(String[]::new)));

            // Get some recommendations.
            TopK top = index.query("42", 3);
            List<EpochReport> epochs = new ArrayList<>();
            for (EpochLog e : history.epochs()) {
                epochs.add(new EpochReport(e.epoch(), e.seconds(), e.logs()));
            }
            return new Result(epochs, top.identifiers(), model.backend().description());
        }
    }
}
