package org.recsys4j.examples.tutorial;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.data.MovieLensDatasets;
import org.recsys4j.index.BruteForceIndex;
import org.recsys4j.metrics.FactorizedTopK;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.Backends;
import org.recsys4j.spi.Inference;
import org.recsys4j.task.Retrieval;
import org.recsys4j.train.EpochLog;
import org.recsys4j.train.History;
import org.recsys4j.train.Progress;
import org.recsys4j.train.RetrievalModel;
import org.recsys4j.vocab.StringLookup;

/**
 * The TFRS quickstart in Java: train a two-tower model on all 100k ratings and recommend three
 * movies for user 42. It reads like the seed's Python, step by step. With a backend that only serves
 * ({@code onnx}), the default trainer trains and the named backend answers too, from the trained
 * model as a bundle: both answers are reported, and they should agree.
 */
public final class Quickstart {
    /**
     * What the run produced.
     *
     * @param top3 the answer for user 42 from the backend named (the served one, when another trained)
     * @param recommendations every answer for user 42 by source: {@code trained}, and the serving backend's
     */
    public record Result(List<EpochReport> epochs, List<String> top3, String backendDescription,
            Map<String, List<String>> recommendations) {
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
        Backend backend = Backends.get(config.backend());
        Backend trainer = TutorialConfig.trainerFor(backend);
        try (RetrievalModel model = new RetrievalModel(spec, Map.of("user_id", userIds, "movie_title", movieTitles),
                task, trainer, new Adagrad(config.learningRate()), config.seed(), config.backendOptions(trainer))) {
            model.computeTrainingMetrics(config.trainingMetrics());
            if (config.logQ()) {
                model.logQCorrection(ratings);
            }
            History history = model.fit(ratings, config.batchSize(), config.epochs(), progress);

            // Use brute-force search to set up retrieval using the trained representations.
            BruteForceIndex index = new BruteForceIndex(model.queryTower());
            index.index(candidates, model.candidateTower().embed(candidates.toArray(String[]::new)));

            // Get some recommendations.
            Map<String, List<String>> recommendations = new LinkedHashMap<>();
            recommendations.put("trained", index.query("42", 3).identifiers());
            if (backend != trainer) {
                // Serve the trained model through the backend named, as a bundle, the way a server would.
                try (Inference served = backend.inference(config.toBundle(model, movielens, trainer),
                        config.backendOptions(backend))) {
                    BruteForceIndex servedIndex = new BruteForceIndex(served.queryTower())
                            .index(candidates, served.candidateTower().embed(candidates.toArray(String[]::new)));
                    recommendations.put(backend.name(), servedIndex.query("42", 3).identifiers());
                }
            }
            List<EpochReport> epochs = new ArrayList<>();
            for (EpochLog e : history.epochs()) {
                epochs.add(new EpochReport(e.epoch(), e.seconds(), e.logs()));
            }
            List<String> top3 = recommendations.getOrDefault(backend.name(), recommendations.get("trained"));
            return new Result(epochs, top3, TutorialConfig.describe(backend, trainer), recommendations);
        }
    }
}
