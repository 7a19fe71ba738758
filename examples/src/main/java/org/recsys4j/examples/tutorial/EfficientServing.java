package org.recsys4j.examples.tutorial;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.data.MovieLensDatasets;
import org.recsys4j.index.BruteForceIndex;
import org.recsys4j.index.ScannIndex;
import org.recsys4j.index.ScannParameters;
import org.recsys4j.index.TopK;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Tower;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.Backends;
import org.recsys4j.spi.Inference;
import org.recsys4j.task.Retrieval;
import org.recsys4j.train.Progress;
import org.recsys4j.train.RetrievalModel;
import org.recsys4j.vocab.StringLookup;

/**
 * The TFRS "Efficient serving" tutorial in Java: a trained retrieval model's movie embeddings
 * blown up to about a million candidates, exact brute force against the approximate
 * {@link ScannIndex}, one query at a time on one thread, for a few settings: recall at 10 against
 * brute force, queries per second, speed-up and build time.
 */
public final class EfficientServing {
    public static final int K = 10;

    /** Where the model comes from and how the benchmark runs. */
    /**
     * @param publishTo a model directory of numbered versions ({@code recsys4j serve --model-dir}) that gets
     *     the bundle with the index as its next version, searched with the first setting of recall@10 at
     *     least 0.95 (else the most accurate); null to publish nothing
     */
    public record Config(TutorialConfig training, Path bundle, int candidates, int queries, ScannParameters build,
            List<SearchSetting> searches, double minSecondsPerSetting, long seed, Path publishTo) {
        public Config {
            if (candidates < 1 || queries < 1) {
                throw new IllegalArgumentException("candidates and queries must be positive");
            }
            if (searches.isEmpty()) {
                throw new IllegalArgumentException("name at least one search setting");
            }
            searches = List.copyOf(searches);
        }
    }

    /** Search-time settings of one row of the table. */
    public record SearchSetting(int numLeavesToSearch, int numReorderingCandidates) {
        /** Parses {@code LEAVES_TO_SEARCH:REORDER}, e.g. {@code 30:100}. */
        public static SearchSetting parse(String s) {
            String[] parts = s.trim().split(":");
            try {
                if (parts.length == 2) {
                    return new SearchSetting(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
                }
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
            throw new IllegalArgumentException(
                    "a search setting is LEAVES_TO_SEARCH:REORDERING_CANDIDATES, e.g. 30:100;"
                    + " got '" + s + "'");
        }
    }

    /** One row: the full parameters, build time, and what the index gave. */
    public record Row(ScannParameters parameters, double buildSeconds, double recallAt10, double queriesPerSecond,
            double cpuMicrosPerQuery, double speedupVsBruteForce, long queriesTimed) {
    }

    /** What the run measured; {@code published} is the row whose setting was published, and where (else null). */
    public record Result(String model, String embeddings, int candidates, int dimension, int queries,
            double bruteForceQueriesPerSecond, long bruteForceQueriesTimed, List<Double> bruteForceTimings,
            double buildSeconds, int leaves, List<Row> rows, double loadAverageAtStart, int processors,
            Row published, Path publishedTo) {
    }

    private EfficientServing() {
    }

    /** The retrieval tutorial's training, at dimension 64 as the efficient-serving tutorial's bar asks. */
    public static TutorialConfig trainingDefaults() {
        TutorialConfig t = TutorialConfig.retrievalDefaults();
        return t.withEmbeddingDim(64, false);
    }

    /**
     * An index for a million candidates: about a thousand leaves, and at dimension 64 thirty-two
     * four-bit codes a candidate (TFRS's two dimensions a block).
     */
    public static ScannParameters indexDefaults() {
        return ScannParameters.defaults().withNumLeaves(1000).withTrainingSampleSize(50_000);
    }

    public static Result run(Config config, MovieLensDatasets datasets, Progress progress, Consumer<String> log)
            throws IOException {
        double loadAverage = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        MovieLensData movielens = datasets.load(config.training().dataDir());
        Path bundleDir = config.bundle();
        if (bundleDir == null) {
            bundleDir = config.training().outputDir().resolve("efficient-serving");
            log.accept("Training the retrieval model (dimension " + config.training().embeddingDim() + ") ...");
            train(config.training(), movielens, progress, bundleDir);
            log.accept("Saved the model to " + bundleDir.toAbsolutePath() + " (pass --bundle to reuse it)");
        }
        ModelBundle bundle = BundleIO.load(bundleDir);
        Backend backend = Backends.get(config.training().backend());
        // Plain-Java towers: serving needs no native runtime, and the index sees exactly the bundle's embeddings.
        // A backend that only serves (ONNX Runtime) computes the embeddings instead, as it would in production.
        try (Inference serving = backend.canTrain() ? null : backend.inference(bundle,
                config.training().backendOptions(backend))) {
            Tower queryTower = serving == null ? bundle.javaQueryTower() : serving.queryTower();
            Tower candidateTower = serving == null ? bundle.javaCandidateTower() : serving.candidateTower();
            String embeddings = serving == null ? "plain Java" : backend.description();
            log.accept("Embeddings from " + embeddings);
            return measure(config, movielens, bundle, bundleDir, queryTower, candidateTower, embeddings, log,
                    loadAverage);
        }
    }

    private static Result measure(Config config, MovieLensData movielens, ModelBundle bundle, Path bundleDir,
            Tower queryTower, Tower candidateTower, String embeddings, Consumer<String> log, double loadAverage)
            throws IOException {

        List<String> titles = List.of(movielens.movies().strings(bundle.spec().candidate().feature()));
        Embeddings movies = candidateTower.embed(titles.toArray(String[]::new));
        CandidateBlowUp.Candidates lots = CandidateBlowUp.of(titles, movies, config.candidates(), config.seed());
        log.accept("Candidates: " + lots.identifiers().size() + " of dimension " + movies.dim()
                + " (the movies, then copies times uniform [0, 1) noise)");

        float[][] queries = queries(queryTower, bundle, config.queries(), config.seed());

        BruteForceIndex bruteForce = new BruteForceIndex().index(lots.identifiers(), lots.embeddings());
        log.accept("Brute force, one thread, " + queries.length + " queries ...");
        QueryTiming.Measurement exact = QueryTiming.time(bruteForce, queries, K, Math.min(20, queries.length), 0);
        List<TopK> truth = exact.answers();
        log.accept(String.format(java.util.Locale.ROOT, "  %.1f queries/s", exact.queriesPerSecond()));

        ScannParameters b = config.build();
        log.accept("Building the ScaNN index: " + b.numLeaves() + " leaves, a four-bit code per "
                + b.dimensionsPerBlock() + " dimensions, k-means on " + b.trainingSampleSize()
                + " sampled candidates for "
                + b.trainingIterations() + " iterations ...");
        long start = System.nanoTime();
        ScannIndex index = new ScannIndex(queryTower, config.build()).index(lots.identifiers(), lots.embeddings());
        double buildSeconds = (System.nanoTime() - start) / 1e9;
        log.accept(String.format(java.util.Locale.ROOT, "  built in %.1f s (%d leaves)", buildSeconds, index.leaves()));

        List<Row> rows = new ArrayList<>();
        for (SearchSetting s : config.searches()) {
            ScannIndex view = index.withSearch(s.numLeavesToSearch(), s.numReorderingCandidates());
            QueryTiming.Measurement m = QueryTiming.time(view, queries, K, queries.length,
                    config.minSecondsPerSetting());
            double recall = QueryTiming.recall(m.answers(), truth, K);
            rows.add(new Row(view.parameters(), buildSeconds, recall, m.queriesPerSecond(), m.cpuMicrosPerQuery(),
                    Double.NaN, m.queriesTimed()));
        }
        // Brute force again, after the index: on a shared machine the load can change during a run, and
        // the faster of the two brute-force timings is the baseline, so no speed-up is flattered by it.
        log.accept("Brute force again ...");
        QueryTiming.Measurement again = QueryTiming.time(bruteForce, queries, K, 0, 0);
        log.accept(String.format(java.util.Locale.ROOT, "  %.1f queries/s", again.queriesPerSecond()));
        QueryTiming.Measurement baseline = again.queriesPerSecond() > exact.queriesPerSecond() ? again : exact;
        List<Row> fair = new ArrayList<>();
        for (Row row : rows) {
            fair.add(new Row(row.parameters(), row.buildSeconds(), row.recallAt10(), row.queriesPerSecond(),
                    row.cpuMicrosPerQuery(), row.queriesPerSecond() / baseline.queriesPerSecond(), row.queriesTimed()));
        }
        Row chosen = null;
        Path version = null;
        if (config.publishTo() != null) {
            chosen = fair.stream().filter(r -> r.recallAt10() >= 0.95).findFirst()
                    .orElseGet(() -> fair.stream().max(java.util.Comparator.comparingDouble(Row::recallAt10)).get());
            version = config.publishTo().resolve(Integer.toString(
                    RetrievalTutorial.nextVersion(config.publishTo())));
            BundleIO.save(bundle, version, org.recsys4j.index.ScannIndexIO.inBundle(index.withSearch(
                    chosen.parameters().numLeavesToSearch(), chosen.parameters().numReorderingCandidates())));
            log.accept(String.format(java.util.Locale.ROOT, "Published the bundle with the index (%d leaves searched,"
                    + " %d reordering candidates, recall@10 %.4f) as %s", chosen.parameters().numLeavesToSearch(),
                    chosen.parameters().numReorderingCandidates(), chosen.recallAt10(), version.toAbsolutePath()));
        }
        return new Result(bundleDir.toAbsolutePath().toString(), embeddings, lots.identifiers().size(), movies.dim(),
                queries.length, baseline.queriesPerSecond(), baseline.queriesTimed(),
                List.of(exact.queriesPerSecond(), again.queriesPerSecond()), buildSeconds, index.leaves(), fair,
                loadAverage, Runtime.getRuntime().availableProcessors(), chosen, version);
    }

    /** A seeded sample of distinct users, through the query tower. */
    private static float[][] queries(Tower queryTower, ModelBundle bundle, int count, long seed) {
        List<String> users = new ArrayList<>(bundle.vocabulary(bundle.spec().query()).vocabulary());
        Collections.shuffle(users, new Random(seed));
        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            chosen.add(users.get(i % users.size())); // more queries than users repeat them
        }
        Embeddings e = queryTower.embed(chosen.toArray(String[]::new));
        float[][] out = new float[count][];
        for (int i = 0; i < count; i++) {
            out[i] = e.row(i);
        }
        return out;
    }

    /** The retrieval tutorial's model: user ids and titles, trained on the training part of its split. */
    private static void train(TutorialConfig config, MovieLensData movielens, Progress progress, Path bundleDir)
            throws IOException {
        Interactions ratings = movielens.ratings();
        Interactions train = ratings.select(org.recsys4j.train.TableTraining.requireNonEmpty(
                RankingProtocol.split(ratings, config.split(), config.seed()), movielens.name() + " ratings").train());
        StringLookup users = StringLookup.ofUnique(ratings.strings("user_id"));
        StringLookup titles = StringLookup.ofUnique(movielens.movies().strings("movie_title"));
        int dim = config.embeddingDim();
        RetrievalSpec spec = new RetrievalSpec(TowerSpec.embedding("query", "user_id", users.size(), dim),
                TowerSpec.embedding("candidate", "movie_title", titles.size(), dim), RetrievalTaskSpec.defaults());
        Backend trainer = TutorialConfig.trainerFor(Backends.get(config.backend()));
        try (RetrievalModel model = new RetrievalModel(spec, Map.of("user_id", users, "movie_title", titles),
                new Retrieval(), trainer, new Adagrad(config.learningRate()), config.seed(),
                config.backendOptions(trainer))) {
            model.fit(train, config.batchSize(), config.epochs(), progress);
            BundleIO.save(config.toBundle(model, movielens, trainer), bundleDir);
        }
    }
}
