package org.recsys4j.examples.tutorial;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.ItemToItemPairs;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.data.MovieLensDatasets;
import org.recsys4j.index.ScannIndex;
import org.recsys4j.index.ScannIndexIO;
import org.recsys4j.index.ScannParameters;
import org.recsys4j.metrics.FactorizedTopK;
import org.recsys4j.model.Embeddings;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.Backends;
import org.recsys4j.spi.Inference;
import org.recsys4j.task.Retrieval;
import org.recsys4j.train.EpochLog;
import org.recsys4j.train.History;
import org.recsys4j.train.Progress;
import org.recsys4j.train.RetrievalModel;
import org.recsys4j.train.TowerEvaluation;
import org.recsys4j.vocab.StringLookup;

/**
 * Movie-to-movie recommendations ("people who watched this also watched"), for product-detail
 * pages: a two-tower model whose query tower reads a movie and whose candidate tower reads a
 * movie, trained with the Retrieval task on (query movie, candidate movie) pairs from users'
 * histories. Held-out users' pairs measure it with FactorizedTopK, exactly over all movies and by
 * identifier through a ScaNN index; the index is saved in the bundle, loaded back, and asked for
 * the nearest movies to a few titles.
 */
public final class ItemToItem {
    public static final String ITEM = "movie_title";
    public static final String QUERY_ITEM = ItemToItemPairs.queryFeature(ITEM);
    public static final List<String> DEFAULT_TITLES = List.of("Star Wars (1977)", "Toy Story (1995)", "Fargo (1996)");

    /** How the pairs are drawn, held out, and looked up. */
    public record Config(TutorialConfig training, int window, double testUserFraction, int maxTestPairs,
            List<String> titles, int k, ScannParameters index) {
        public Config {
            if (testUserFraction <= 0 || testUserFraction >= 1) {
                throw new IllegalArgumentException("the held-out fraction of users must be in (0, 1), got "
                        + testUserFraction);
            }
            titles = List.copyOf(titles);
        }
    }

    /** What the run produced. */
    public record Result(String backendDescription, int trainPairs, int testPairs, List<EpochReport> epochs,
            Map<String, Double> test, Map<String, Double> testThroughIndex, Map<String, List<String>> neighbours,
            Path bundle, int indexLeaves) {
    }

    /** Held-out pairs evaluated at most: a sample as large as the retrieval tutorial's test set. */
    public static final int MAX_TEST_PAIRS = 20_000;

    private ItemToItem() {
    }

    /** Dimension 64, Adagrad 0.1, batch 8192, 3 epochs, no metrics on training batches. */
    public static TutorialConfig trainingDefaults() {
        TutorialConfig t = TutorialConfig.retrievalDefaults();
        return t.withEmbeddingDim(64, false);
    }

    /** For the 1,664 distinct titles: 40 leaves, a quarter of them searched, the best 100 rescored exactly. */
    public static ScannParameters indexDefaults() {
        return ScannParameters.defaults().withNumLeaves(40).withNumLeavesToSearch(10).withNumReorderingCandidates(100);
    }

    public static Result run(Config config, MovieLensDatasets datasets, Progress progress) throws IOException {
        TutorialConfig c = config.training();
        MovieLensData movielens = datasets.load(c.dataDir());
        StringLookup titles = StringLookup.ofUnique(movielens.movies().strings(ITEM));
        for (String title : config.titles()) {
            if (!titles.contains(title)) {
                throw new IllegalArgumentException(
                        "no movie titled '" + title + "'; titles look like 'Star Wars (1977)'");
            }
        }

        // (query movie, candidate movie) pairs from each user's history; a fifth of the users held out
        Interactions pairs = ItemToItemPairs.of(movielens.ratings(), "user_id", ITEM, "timestamp", config.window());
        Interactions[] split = splitByUser(pairs, config.testUserFraction(), c.seed());
        Interactions train = split[0].shuffle(c.seed());
        Interactions test = split[1].shuffle(c.seed()).take(config.maxTestPairs());

        // Two movie towers over one vocabulary of distinct titles
        int dim = c.embeddingDim();
        RetrievalSpec spec = new RetrievalSpec(TowerSpec.embedding("query", QUERY_ITEM, titles.size(), dim),
                TowerSpec.embedding("candidate", ITEM, titles.size(), dim), RetrievalTaskSpec.defaults());
        List<String> candidates = titles.vocabulary();
        Retrieval task = new Retrieval(new FactorizedTopK(candidates));

        // A backend that only serves (ONNX Runtime) has the default trainer train, then serves what it trained
        Backend backend = Backends.get(c.backend());
        Backend trainer = TutorialConfig.trainerFor(backend);
        try (RetrievalModel model = new RetrievalModel(spec, Map.of(QUERY_ITEM, titles, ITEM, titles), task, trainer,
                new Adagrad(c.learningRate()), c.seed(), c.backendOptions(trainer))) {
            model.computeTrainingMetrics(c.trainingMetrics());
            History history = model.fit(model.batches(train, c.batchSize()), c.epochs(), progress);
            Map<String, Double> exact = backend == trainer ? model.evaluate(model.batches(test, c.evalBatchSize()))
                    : null;

            // The candidate movies in a ScaNN index, saved with the model
            Embeddings movieEmbeddings = model.candidateTower().embed(candidates.toArray(String[]::new));
            ScannIndex index = new ScannIndex(model.queryTower(), config.index()).index(candidates, movieEmbeddings);
            Path bundleDir = c.outputDir().resolve("item-to-item");
            BundleIO.save(c.toBundle(model, movielens, trainer), bundleDir, ScannIndexIO.inBundle(index));

            // Load both back: FactorizedTopK by identifier through the loaded index, as TFRS does, and the
            // nearest movies to a few titles, with the queries embedded by the backend that serves
            Map<String, List<String>> neighbours = new LinkedHashMap<>();
            FactorizedTopK byId;
            try (Inference inference = backend.inference(BundleIO.load(bundleDir), c.backendOptions(backend))) {
                if (exact == null) {
                    exact = TowerEvaluation.evaluate(task, inference.queryTower(), inference.candidateTower(), test,
                            c.evalBatchSize());
                }
                ScannIndex loaded = ScannIndexIO.load(bundleDir, inference.queryTower());
                byId = new FactorizedTopK(loaded);
                String[] queries = test.strings(QUERY_ITEM);
                String[] truths = test.strings(ITEM);
                for (int from = 0; from < test.size(); from += c.evalBatchSize()) {
                    int to = Math.min(test.size(), from + c.evalBatchSize());
                    byId.update(inference.queryTower().embed(java.util.Arrays.copyOfRange(queries, from, to)),
                            List.of(truths).subList(from, to));
                }
                for (String title : config.titles()) {
                    neighbours.put(title, loaded.query(title, config.k(), Set.of(title)).identifiers());
                }
            }
            List<EpochReport> epochs = new ArrayList<>();
            for (EpochLog e : history.epochs()) {
                epochs.add(new EpochReport(e.epoch(), e.seconds(), e.logs()));
            }
            return new Result(TutorialConfig.describe(backend, trainer), train.size(), test.size(), epochs, exact,
                    byId.result(), neighbours, bundleDir, index.leaves());
        }
    }

    /** Pairs of a seeded random {@code fraction} of the users, and the rest: {train, test}. */
    static Interactions[] splitByUser(Interactions pairs, double fraction, long seed) {
        String[] users = pairs.strings("user_id");
        List<String> distinct = new ArrayList<>(new java.util.TreeSet<>(List.of(users)));
        java.util.Collections.shuffle(distinct, new Random(seed));
        Set<String> held = new HashSet<>(distinct.subList(0, (int) Math.round(distinct.size() * fraction)));
        int[] trainRows = java.util.stream.IntStream.range(0, users.length).filter(i -> !held.contains(users[i]))
                .toArray();
        int[] testRows = java.util.stream.IntStream.range(0, users.length).filter(i -> held.contains(users[i]))
                .toArray();
        return new Interactions[] {pairs.select(trainRows), pairs.select(testRows)};
    }
}
