package org.recsys4j.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.recsys4j.baseline.PopularityBaseline;
import org.recsys4j.bundle.BundleData;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.bundle.LatestItems;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.bundle.Provenance;
import org.recsys4j.bundle.SeenItems;
import org.recsys4j.data.CategoricalColumn;
import org.recsys4j.data.Dataset;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.TableReadException;
import org.recsys4j.data.TableSpec;
import org.recsys4j.metrics.FactorizedTopK;
import org.recsys4j.metrics.RankingEvaluation;
import org.recsys4j.metrics.UserItems;
import org.recsys4j.model.Embeddings;
import org.recsys4j.spec.Activation;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.FeatureSpec;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spec.TrainingConfig;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.split.Split;
import org.recsys4j.split.SplitSpec;
import org.recsys4j.split.Splits;
import org.recsys4j.task.Retrieval;
import org.recsys4j.vocab.StringLookup;

/**
 * Trains a two-tower retrieval model on any {@link Dataset}: split, vocabularies and feature
 * statistics from the training rows, towers over the named columns, fit, evaluate, and a bundle
 * that holds everything later steps need (the catalog, the statistics, the split). What
 * {@code recsys4j train} runs, and the MovieLens presets' data through the same steps give the
 * tutorial's model.
 *
 * <pre>{@code
 * Dataset data = new DuckDbTableReader().read(TableSpec.file("events.parquet", "user", "item"));
 * TableTraining.Result r = TableTraining.run(data, TableTraining.Options.defaults(), Backends.get("tensorflow"),
 *         BackendOptions.none(), Path.of("models/events"), Progress.silent(), provenance);
 * }</pre>
 */
public final class TableTraining {
    /** The suffix of a numeric feature's normalised column: {@code price} is read as {@code price_normalized}. */
    public static final String NORMALIZED = "_normalized";
    /** The prefix of the previous-item context feature: {@code item} gives {@code previous_item}. */
    public static final String PREVIOUS = "previous_";

    /**
     * How to train; the defaults are the TFRS retrieval tutorial's.
     *
     * @param layerSizes dense layers on each tower (ReLU between, the last linear); none by default
     * @param previousItem whether the query tower reads the user's latest training candidate before
     *     each interaction ({@link Splits#previousTrainingRow}) as a context feature named
     *     {@code previous_<candidate-id>} (a timestamp orders the interactions)
     */
    public record Options(SplitSpec split, int embeddingDim, double learningRate, int batchSize, int evalBatchSize,
            int epochs, long seed, boolean logQ, RetrievalTaskSpec task, List<Integer> layerSizes, boolean normalize,
            boolean candidateBias, boolean trainingMetrics, boolean previousItem) {
        public Options {
            Objects.requireNonNull(split, "split");
            Objects.requireNonNull(task, "task");
            layerSizes = layerSizes == null ? List.of() : List.copyOf(layerSizes);
        }

        /** random:0.8, dimension 32, Adagrad 0.1, batch 8192 / 4096, 3 epochs, seed 42. */
        public static Options defaults() {
            return new Options(SplitSpec.seedDefault(), 32, 0.1, 8192, 4096, 3, 42, false,
                    RetrievalTaskSpec.defaults(), List.of(), false, false, false, false);
        }
    }

    /**
     * What a run produced; the bundle is already saved when this is returned.
     *
     * @param ranking the per-user protocol the metrics came from, for more baselines under it
     */
    public record Result(Split split, History history, Map<String, Double> test, Map<String, Double> popularity,
            ModelBundle bundle, BundleData data, Path bundleDir, List<String> warnings, RankingEvaluation ranking) {
    }

    private TableTraining() {
    }

    /**
     * Trains on {@code data} as {@code recsys4j train} does: splits it (an empty split is an error
     * before anything trains), trains with {@code trainer}, evaluates against the popularity baseline,
     * and saves the bundle with its data and seen items to {@code bundleDir}.
     */
    public static Result run(Dataset data, Options o, Backend trainer, BackendOptions backendOptions, Path bundleDir,
            Progress progress, Provenance provenance) throws IOException {
        TableSpec table = data.spec();
        Interactions all = data.interactions();
        List<String> warnings = new ArrayList<>(data.warnings());

        Split split = split(data, o);
        if (o.previousItem()) {
            all = withPreviousItem(all, table, split);
        }
        Interactions train = all.select(split.train());
        Interactions test = all.select(split.test());

        StringLookup queries = StringLookup.ofUnique(Vocabularies.used(all.categorical(table.queryId())));
        StringLookup candidates = StringLookup.ofUnique(data.items().ids());
        Map<String, StringLookup> vocabularies = new LinkedHashMap<>();
        vocabularies.put(table.queryId(), queries);
        vocabularies.put(table.candidateId(), candidates);
        TowerSpec query = TowerSpec.embedding("query", table.queryId(), queries.size(), o.embeddingDim());
        TowerSpec candidate = TowerSpec.embedding("candidate", table.candidateId(), candidates.size(),
                o.embeddingDim());

        // query features: a vocabulary over the training rows, or (x - mean) / std with training statistics
        Map<String, BundleData.Normalization> normalization = new LinkedHashMap<>();
        for (String f : table.queryFeatures()) {
            checkName(f, "--query-features");
            if (all.isCategorical(f)) {
                StringLookup v = StringLookup.ofUnique(Vocabularies.used(train.categorical(f)));
                vocabularies.put(f, v);
                query = query.withFeature(FeatureSpec.context(f, v.size()));
            } else {
                BundleData.Normalization n = BundleData.Normalization.adapt(f, train.numbers(f));
                String name = f + NORMALIZED;
                normalization.put(name, n);
                train = train.withNumbers(name, n.apply(train.numbers(f)));
                test = test.withNumbers(name, n.apply(test.numbers(f)));
                query = query.withFeature(FeatureSpec.numeric(name));
            }
        }
        if (o.previousItem()) { // over the catalog's vocabulary, OOV for a user's first interaction
            checkName(PREVIOUS + table.candidateId(), "--candidate-id");
            vocabularies.put(PREVIOUS + table.candidateId(), candidates);
            query = query.withFeature(FeatureSpec.context(PREVIOUS + table.candidateId(), candidates.size()));
        }
        // candidate features: fixed per candidate, looked up by its id row
        for (var e : data.items().features().entrySet()) {
            checkName(e.getKey(), "--candidate-features");
            candidate = candidate.withFeature(Vocabularies.derived(e.getKey(), candidates, data.items().ids(),
                    e.getValue()));
        }
        RetrievalSpec spec = new RetrievalSpec(deep(query, o.layerSizes(), o.normalize()),
                deep(candidate, o.layerSizes(), o.normalize()), o.task());
        if (o.candidateBias()) {
            spec = spec.withCandidateBias();
        }
        List<String> catalog = List.of(data.items().ids());
        Retrieval task = new Retrieval(spec.task(), List.of(new FactorizedTopK(catalog).reportTieRobust()));
        try (RetrievalModel model = new RetrievalModel(spec, vocabularies, task, trainer, new Adagrad(o.learningRate()),
                o.seed(), backendOptions)) {
            model.computeTrainingMetrics(o.trainingMetrics());
            if (o.logQ()) {
                model.logQCorrection(train);
            }
            List<FeatureBatch> trainBatches = model.batches(train, o.batchSize(), table.weight());
            List<FeatureBatch> testBatches = model.batches(test, o.evalBatchSize());
            History history = model.fit(trainBatches, o.epochs(), progress);
            Map<String, Double> metrics = model.evaluate(testBatches);
            Map<String, Double> popularity = new LinkedHashMap<>(PopularityBaseline.evaluate(train, test, catalog,
                    table.candidateId()));
            // per-user ranking metrics: each test user's top K of the catalog, training items left out
            RankingEvaluation ranking = ranking(all, split, table, queries, candidates);
            metrics = new LinkedHashMap<>(metrics);
            metrics.putAll(ranking.evaluate(rankingQueries(ranking, model, test, table, queries),
                    model.candidateTower().embed(candidates.vocabulary().toArray(String[]::new))));
            popularity.putAll(ranking.evaluate(PopularityBaseline.scorer(ranking.train())));

            Map<String, String> columns = new LinkedHashMap<>();
            columns.put("query_id", table.queryId());
            columns.put("candidate_id", table.candidateId());
            if (table.timestamp() != null) {
                columns.put("timestamp", table.timestamp());
            }
            if (table.weight() != null) {
                columns.put("weight", table.weight());
            }
            Map<String, Object> source = data.load() == null ? Map.of() : data.load().describe();
            BundleData bundleData = new BundleData(columns, data.items(), normalization, source, split.describe());
            ModelBundle bundle = model.toBundle(new TrainingConfig(model.optimizer(), o.batchSize(),
                    o.evalBatchSize(), o.epochs(), o.seed(), split.spec().toString()), provenance);
            // with each query's training candidates, which serving leaves out on request (exclude_seen)
            SeenItems seen = SeenItems.ofRows(bundle, train.categorical(table.queryId()).lookup(queries),
                    train.categorical(table.candidateId()).lookup(candidates));
            if (o.previousItem()) { // and each user's latest item, the context a later query is asked with
                BundleIO.save(bundle, bundleDir, bundleData.inBundle(), seen.inBundle(),
                        LatestItems.ofTraining(bundle, PREVIOUS + table.candidateId(),
                                all.categorical(table.queryId()), all.categorical(table.candidateId()),
                                all.numbers(table.timestamp()), split).inBundle());
            } else {
                BundleIO.save(bundle, bundleDir, bundleData.inBundle(), seen.inBundle());
            }
            return new Result(split, history, metrics, popularity, bundle, bundleData, bundleDir, warnings,
                    ranking);
        }
    }

    /**
     * The split, checked before anything trains: an empty training or test set is an error naming
     * the data and the split.
     */
    public static Split split(Dataset data, Options o) throws TableReadException {
        TableSpec table = data.spec();
        SplitSpec s = o.split();
        Interactions all = data.interactions();
        if (s.needsTimestamps() && table.timestamp() == null) {
            throw new IllegalArgumentException("--split " + s + " orders interactions by time; name the time column"
                    + " with --timestamp");
        }
        if (o.previousItem() && table.timestamp() == null) {
            throw new IllegalArgumentException("the previous item as a query feature (--preset temporal) is each"
                    + " user's latest interaction by time; name the time column with --timestamp");
        }
        int[] users = s.needsUsers() ? all.categorical(table.queryId()).codes() : null;
        long[] time = s.needsTimestamps() ? Splits.sortable(all.numbers(table.timestamp())) : null;
        return requireNonEmpty(s.apply(all.size(), users, time, o.seed()), table.source());
    }

    /**
     * {@code split}, unless its training or test set is empty: then an error naming the data, the
     * split and the sizes, before anything trains or is written.
     */
    public static Split requireNonEmpty(Split split, String source) throws TableReadException {
        if (split.train().length == 0 || split.test().length == 0) {
            String which = split.train().length == 0 ? "training" : "test";
            throw new TableReadException(source, null, TableReadException.NO_ROW, "the " + which + " split of "
                    + split.spec() + " is empty (" + split.train().length + " training and " + split.test().length
                    + " test rows of " + split.rows() + (split.spec().needsUsers()
                            ? "; no user has enough interactions" : "") + "); there is nothing to "
                    + (which.equals("test") ? "evaluate" : "train") + " on");
        }
        return split;
    }

    /**
     * {@code all} with the column {@code previous_<candidate-id>}: each row's user's latest training
     * candidate before it ({@link Splits#previousTrainingRow}), the OOV token when there is none.
     * Codes into the candidate column's dictionary and one more entry, so no string per row.
     */
    static Interactions withPreviousItem(Interactions all, TableSpec table, Split split) {
        CategoricalColumn items = all.categorical(table.candidateId());
        int[] previous = Splits.previousTrainingRow(all.categorical(table.queryId()).codes(),
                Splits.sortable(all.numbers(table.timestamp())), split);
        String[] dictionary = java.util.Arrays.copyOf(items.dictionary(), items.dictionary().length + 1);
        int none = dictionary.length - 1;
        dictionary[none] = StringLookup.OOV_TOKEN;
        int[] codes = new int[previous.length];
        for (int r = 0; r < codes.length; r++) {
            codes[r] = previous[r] < 0 ? none : items.codes()[previous[r]];
        }
        return all.withCategorical(PREVIOUS + table.candidateId(), new CategoricalColumn(codes, dictionary));
    }

    /**
     * The per-user protocol over vocabulary rows: user code = query row, item code = candidate row
     * minus one (interactions whose candidate is outside the catalog are left out).
     */
    private static RankingEvaluation ranking(Interactions all, Split split, TableSpec table, StringLookup queries,
            StringLookup candidates) {
        int[] users = all.categorical(table.queryId()).lookup(queries);
        int[] items = all.categorical(table.candidateId()).lookup(candidates);
        for (int r = 0; r < items.length; r++) {
            items[r]--;
        }
        int numItems = candidates.size() - 1;
        return RankingEvaluation.standard(
                UserItems.of(users, items, inCatalog(split.train(), items), queries.size(), numItems),
                UserItems.of(users, items, inCatalog(split.test(), items), queries.size(), numItems));
    }

    private static int[] inCatalog(int[] rows, int[] items) {
        return java.util.Arrays.stream(rows).filter(r -> items[r] >= 0).toArray();
    }

    /**
     * One query per evaluated user, in {@link RankingEvaluation#users()} order, with the context of
     * the user's earliest test interaction (by time where there is a timestamp, else the first).
     */
    private static Embeddings rankingQueries(RankingEvaluation ranking, RetrievalModel model, Interactions test,
            TableSpec table, StringLookup queries) {
        int[] evaluated = ranking.users();
        int[] userOfRow = test.categorical(table.queryId()).lookup(queries);
        double[] time = table.timestamp() != null ? test.numbers(table.timestamp()) : null;
        int[] first = new int[queries.size()];
        java.util.Arrays.fill(first, -1);
        for (int r = 0; r < userOfRow.length; r++) {
            int u = userOfRow[r];
            if (first[u] < 0 || (time != null && time[r] < time[first[u]])) {
                first[u] = r;
            }
        }
        int[] rows = new int[evaluated.length];
        for (int k = 0; k < evaluated.length; k++) {
            rows[k] = first[evaluated[k]];
        }
        return model.queryTower().embedIndices(evaluated, model.queryContext(test.select(rows)));
    }

    /** A tower with dense layers on top (ReLU between, the last linear) and optional normalisation. */
    public static TowerSpec deep(TowerSpec tower, List<Integer> layerSizes, boolean normalize) {
        for (int i = 0; i < layerSizes.size(); i++) {
            tower = tower.withDense(layerSizes.get(i), i == layerSizes.size() - 1 ? Activation.LINEAR
                    : Activation.RELU);
        }
        return tower.withNormalize(normalize);
    }

    private static void checkName(String column, String option) {
        if (!column.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException(option + ": a feature's column name must be letters, digits, '_', '.'"
                    + " or '-', got '" + column + "'; rename it with --sql (SELECT \"" + column + "\" AS ...)");
        }
    }
}
