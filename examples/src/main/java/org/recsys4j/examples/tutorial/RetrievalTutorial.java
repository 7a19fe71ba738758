package org.recsys4j.examples.tutorial;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.baseline.PopularityBaseline;
import org.recsys4j.bundle.BundleData;
import org.recsys4j.bundle.BundleExtra;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.bundle.LatestItems;
import org.recsys4j.bundle.SeenItems;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.ItemCatalog;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.data.MovieLensDatasets;
import org.recsys4j.index.BruteForceIndex;
import org.recsys4j.index.TopK;
import org.recsys4j.metrics.FactorizedTopK;
import org.recsys4j.metrics.RankingEvaluation;
import org.recsys4j.metrics.ServedTopK;
import org.recsys4j.model.Embeddings;
import org.recsys4j.onnx.OnnxBackend;
import org.recsys4j.onnx.OnnxFiles;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.Backends;
import org.recsys4j.spi.Inference;
import org.recsys4j.split.Split;
import org.recsys4j.task.Retrieval;
import org.recsys4j.tensorflow.SavedModelExport;
import org.recsys4j.train.EpochLog;
import org.recsys4j.train.History;
import org.recsys4j.train.Progress;
import org.recsys4j.train.RetrievalModel;
import org.recsys4j.train.TowerEvaluation;
import org.recsys4j.vocab.StringLookup;

/**
 * The TFRS "Recommending movies: retrieval" tutorial in Java, end to end: data, vocabularies,
 * towers, the Retrieval task with FactorizedTopK, fit, evaluate, a brute-force index that takes a
 * raw user id and returns titles, then save, reload, and serve through a SavedModel.
 *
 * <p>A backend that only runs models ({@code onnx}) cannot train: then the default trainer trains,
 * and the named backend evaluates the test set and recommends from the trained bundle — for ONNX,
 * through exported {@code .onnx} files in ONNX Runtime.
 */
public final class RetrievalTutorial {
    public static final String USER = "42";

    /** What the run produced. */
    public record Result(String backendDescription, List<EpochReport> epochs, Map<String, Double> test,
            Map<String, List<String>> recommendations, Path bundle, Path savedModel, Map<String, String> dataFiles,
            String trainingBackend, OnnxFiles onnx, Map<String, Double> popularityBaseline,
            Map<String, Double> testServed, Map<String, Double> popularityServed, Split split,
            Map<String, Double> testRanking, Map<String, Double> popularityRanking) {
    }

    private RetrievalTutorial() {
    }

    public static Result run(TutorialConfig config, MovieLensDatasets datasets, Progress progress, boolean manualLoop)
            throws IOException {
        // Preparing the dataset: ratings with user ids and titles, and all movies.
        MovieLensData movielens = datasets.load(config.dataDir());
        Interactions ratings = movielens.ratings();
        Interactions movies = movielens.movies();

        // The split: by default a seeded shuffle, 80% (80,000 ratings) to train on and the rest to test on.
        // An empty training or test set is an error here, before anything trains or is written.
        Split split = org.recsys4j.train.TableTraining.requireNonEmpty(
                RankingProtocol.split(ratings, config.split(), config.seed()), movielens.name() + " ratings");
        if (config.features().contains(MovieLensFeatures.PREVIOUS_TITLE)) {
            ratings = ratings.withStrings(MovieLensFeatures.PREVIOUS_TITLE,
                    RankingProtocol.previousTrainingItem(ratings, split, "movie_title"));
        }
        Interactions train = ratings.select(split.train());
        Interactions test = ratings.select(split.test());

        // Vocabularies: the unique user ids and movie titles, sorted, as np.unique gives them.
        StringLookup uniqueUserIds = StringLookup.ofUnique(ratings.strings("user_id"));
        StringLookup uniqueMovieTitles = StringLookup.ofUnique(movies.strings("movie_title"));

        // The query tower and the candidate tower: a lookup and an embedding each.
        int dim = config.embeddingDim();
        // With --features, more inputs summed into each tower's embedding (none in the seed)
        MovieLensFeatures.Featurized featurized = MovieLensFeatures.apply(config.features(), config.timestampBuckets(),
                TowerSpec.embedding("query", "user_id", uniqueUserIds.size(), dim),
                TowerSpec.embedding("candidate", "movie_title", uniqueMovieTitles.size(), dim), uniqueUserIds,
                uniqueMovieTitles, ratings, movies, train, test);
        train = featurized.train();
        test = featurized.test();
        RetrievalSpec spec = new RetrievalSpec(deep(featurized.query(), config), deep(featurized.candidate(), config),
                config.task());
        if (config.candidateBias()) {
            spec = spec.withCandidateBias();
        }
        Map<String, StringLookup> vocabularies = new java.util.LinkedHashMap<>(
                Map.of("user_id", uniqueUserIds, "movie_title", uniqueMovieTitles));
        vocabularies.putAll(featurized.contextVocabularies());

        // Metrics over every movie, and the Retrieval task.
        List<String> candidates = List.of(movies.strings("movie_title"));
        Retrieval task = new Retrieval(spec.task(), List.of(new FactorizedTopK(candidates).reportTieRobust()));

        Backend backend = Backends.get(config.backend());
        Backend trainer = TutorialConfig.trainerFor(backend);
        try (RetrievalModel model = new RetrievalModel(spec, vocabularies, task, trainer,
                new Adagrad(config.learningRate()), config.seed(), config.backendOptions(trainer))) {
            model.computeTrainingMetrics(config.trainingMetrics());
            if (config.logQ()) {
                model.logQCorrection(train);
            }
            var cachedTrain = model.batches(train, config.batchSize());
            var cachedTest = model.batches(test, config.evalBatchSize());

            // Fitting and evaluating: the compute_loss way, or a hand-written training step.
            // (An inference-only backend evaluates below, from the saved bundle.)
            List<EpochReport> epochs = new ArrayList<>();
            Map<String, Double> testMetrics = null;
            if (manualLoop) {
                NoBaseClassModel manual = new NoBaseClassModel(model.trainer(), task, config.trainingMetrics(),
                        model::withExtraNegatives);
                epochs.addAll(manual.fit(cachedTrain, config.epochs(), progress));
                if (trainer == backend) {
                    testMetrics = manual.evaluate(cachedTest);
                }
            } else {
                History history = model.fit(cachedTrain, config.epochs(), progress);
                for (EpochLog e : history.epochs()) {
                    epochs.add(new EpochReport(e.epoch(), e.seconds(), e.logs()));
                }
                if (trainer == backend) {
                    testMetrics = model.evaluate(cachedTest);
                }
            }

            // Making predictions: a brute-force index over the movies, queried with a raw user id.
            Map<String, List<String>> recommendations = new LinkedHashMap<>();
            Embeddings movieEmbeddings = model.candidateTower().embed(candidates.toArray(String[]::new));
            BruteForceIndex index = new BruteForceIndex(model.queryTower()).index(candidates, movieEmbeddings);
            TopK top = index.query(USER, 3);
            recommendations.put("trained", top.identifiers());

            // Model serving: save the bundle, load it back, and ask the loaded copy.
            Path bundleDir = config.outputDir().resolve("retrieval");
            ModelBundle bundle = config.toBundle(model, movielens, trainer, split.spec().toString());
            // the catalog (every movie's title, as the metric and the index list them), the feature statistics
            // and the split travel with the bundle: recommend and export need nothing else; with each user's
            // training titles, which serving leaves out on request (exclude_seen)
            BundleData data = new BundleData(Map.of("query_id", "user_id", "candidate_id", "movie_title",
                    "timestamp", "timestamp"), new ItemCatalog(candidates.toArray(String[]::new)),
                    featurized.normalization(), Map.of("path", movielens.name(), "rows", ratings.size(),
                            "files", movielens.files()), split.describe());
            List<BundleExtra> extras = new ArrayList<>(List.of(data.inBundle(),
                    SeenItems.of(bundle, train.strings("user_id"), train.strings("movie_title")).inBundle()));
            if (config.features().contains(MovieLensFeatures.PREVIOUS_TITLE)) { // and each user's latest title
                extras.add(LatestItems.ofTraining(bundle, MovieLensFeatures.PREVIOUS_TITLE,
                        ratings.categorical("user_id"), ratings.categorical("movie_title"),
                        ratings.numbers("timestamp"), split).inBundle());
            }
            BundleIO.save(bundle, bundleDir, extras.toArray(BundleExtra[]::new));
            ModelBundle loaded = BundleIO.load(bundleDir);
            try (Inference inference = backend.inference(loaded, config.backendOptions(backend))) {
                BruteForceIndex reloaded = new BruteForceIndex(inference.queryTower())
                        .index(candidates, inference.candidateTower().embed(candidates.toArray(String[]::new)));
                recommendations.put("loaded_bundle", reloaded.query(USER, 3).identifiers());
            }

            // And as a TensorFlow SavedModel: raw ids in, titles out, reloaded and called.
            Path savedModel = SavedModelExport.export(loaded, candidates, movieEmbeddings, 10,
                    config.outputDir().resolve("retrieval-savedmodel"), nextVersion(config.outputDir()
                            .resolve("retrieval-savedmodel")));
            try (SavedModelExport.Served served = new SavedModelExport.Served(savedModel)) {
                recommendations.put("saved_model", served.query(USER).get(0).identifiers().subList(0, 3));
            }

            // Serving on ONNX Runtime: the test set (each query in its context) and user 42 through the
            // exported .onnx files.
            OnnxFiles onnx = null;
            if (backend.name().equals(OnnxBackend.NAME)) {
                OnnxServing.Result served = OnnxServing.run(loaded, candidates, movieEmbeddings, 10, task, test,
                        config.evalBatchSize(), USER, 3, config.outputDir().resolve("retrieval-onnx"),
                        config.backendOptions(backend));
                onnx = served.files();
                testMetrics = served.test();
                recommendations.put("onnx", served.recommendations());
            } else if (testMetrics == null) {
                // Any other backend that cannot train evaluates through its Inference towers.
                try (Inference inference = backend.inference(loaded, config.backendOptions(backend))) {
                    testMetrics = TowerEvaluation.evaluate(task, inference.queryTower(), inference.candidateTower(),
                            test, config.evalBatchSize(), OnnxServing.queryContext(loaded));
                }
            }
            String description = TutorialConfig.describe(backend, trainer);
            // the most-popular recommender on the same split, under the same metric, for comparison
            Map<String, Double> popularity = PopularityBaseline.evaluate(train, test, candidates, "movie_title");
            // both again as the index serves them: a user's training titles are not recommended back
            Map<String, Double> testServed = new ServedTopK(train, "user_id", "movie_title", candidates)
                    .evaluate(test, queryEmbeddings(model, test),
                    model.candidateTower().embed(test.strings("movie_title")),
                            movieEmbeddings);
            Map<String, Double> popularityServed = PopularityBaseline.evaluateServed(train, test, candidates,
                    "user_id", "movie_title");
            // per-user ranking metrics: each user's top 100 titles, training titles left out, against all
            // of the user's test titles; the model and the most-popular baseline under the same protocol
            RankingEvaluation ranking = RankingProtocol.evaluation(ratings, split, uniqueUserIds, uniqueMovieTitles,
                    "movie_title");
            Map<String, Double> testRanking = ranking.evaluate(RankingProtocol.queries(ranking, model, test,
                    uniqueUserIds), RankingProtocol.candidates(model, uniqueMovieTitles));
            Map<String, Double> popularityRanking = ranking.evaluate(PopularityBaseline.scorer(ranking.train()));
            return new Result(description, epochs, testMetrics, recommendations, bundleDir, savedModel,
                    movielens.files(), trainer.name(), onnx, popularity, testServed, popularityServed, split,
                    testRanking, popularityRanking);
        }
    }

    /** A tower with the config's dense layers (ReLU between, the last linear) and normalisation. */
    static TowerSpec deep(TowerSpec tower, TutorialConfig config) {
        return org.recsys4j.train.TableTraining.deep(tower, config.layerSizes(), config.normalize());
    }

    /** The test queries with their context features (a timestamp bucket, when the model reads one). */
    private static Embeddings queryEmbeddings(RetrievalModel model, Interactions data) {
        int[] rows = model.vocabularies().get("user_id").lookup(data.strings("user_id"));
        return model.queryTower().embedIndices(rows, model.queryContext(data));
    }

    /** TensorFlow Serving picks the highest numbered version; each export adds the next one. */
    public static int nextVersion(Path dir) throws IOException {
        int max = 0;
        if (Files.isDirectory(dir)) {
            try (var entries = Files.list(dir)) {
                for (Path p : (Iterable<Path>) entries::iterator) {
                    String name = p.getFileName().toString();
                    if (name.matches("\\d{1,9}")) {
                        max = Math.max(max, Integer.parseInt(name));
                    }
                }
            }
        }
        return max + 1;
    }
}
