package org.recsys4j.spark;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.recsys4j.bundle.LatestItems;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.bundle.Provenance;
import org.recsys4j.data.Interactions;
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
import org.recsys4j.task.Retrieval;
import org.recsys4j.train.EpochLog;
import org.recsys4j.train.Progress;
import org.recsys4j.train.RetrievalModel;
import org.recsys4j.vocab.StringLookup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains on the driver from the encoded columns, through the single-machine path: the columns
 * become a columnar {@code Interactions} (codes, no strings per row), shuffled once with the seed as
 * the TFRS tutorial's {@code shuffle(..., reshuffle_each_iteration=False)} and cut into batches by
 * {@code RetrievalModel.batches}, with the logQ correction from {@code RetrievalModel} as well.
 */
final class DriverTraining {
    private static final Logger LOG = LoggerFactory.getLogger(TwoTowerRetrieval.class);

    /** What the estimator's params say about the model and its training. */
    record Config(String userFeature, String itemFeature, int rank, List<Integer> layerSizes, boolean normalize,
            RetrievalTaskSpec task, boolean logQ, double learningRate, int batchSize, int epochs, long seed,
            Backend backend, BackendOptions options, boolean previousItem) {
    }

    /** The trained bundle, and each user's latest item when the query tower reads the previous item. */
    record Trained(ModelBundle bundle, LatestItems latestItems) {
    }

    private DriverTraining() {
    }

    static Trained train(EncodedInteractions data, Config c, String dataset) {
        StringLookup users = data.userVocabulary();
        StringLookup items = data.itemVocabulary();
        TowerSpec query = TowerSpec.embedding("query", c.userFeature(), users.size(), c.rank());
        Map<String, StringLookup> vocabularies = new LinkedHashMap<>();
        vocabularies.put(c.userFeature(), users);
        vocabularies.put(c.itemFeature(), items);
        PreviousItems.Computed previous = null;
        if (c.previousItem()) {
            previous = PreviousItems.compute(users.size(), data.users(), data.items(), data.timestamps());
            String name = PreviousItems.featureName(c.itemFeature());
            if (vocabularies.containsKey(name)) {
                throw new IllegalArgumentException("the previous item's feature is named " + name + ", as the"
                        + " userCol is; rename the column");
            }
            vocabularies.put(name, items);
            query = query.withFeature(FeatureSpec.context(name, items.size()));
        }
        RetrievalSpec spec = new RetrievalSpec(deep(query, c),
                deep(TowerSpec.embedding("candidate", c.itemFeature(), items.size(), c.rank()), c), c.task());
        try (RetrievalModel model = new RetrievalModel(spec, vocabularies, new Retrieval(spec.task(), List.of()),
                c.backend(), new Adagrad(c.learningRate()), c.seed(), c.options())) {
            model.computeTrainingMetrics(false);
            LOG.info("{} interactions, {} users, {} items; training {} epochs on {}", data.size(), users.size() - 1,
                    items.size() - 1, c.epochs(), c.backend().description());
            long t0 = System.nanoTime();
            List<FeatureBatch> batches = batches(model, data, c, previous == null ? null : previous.perRow());
            LOG.info("{} batches of up to {} made in {} s", batches.size(), c.batchSize(),
                    ClusterEncoding.seconds(t0, System.nanoTime()));
            model.fit(batches, c.epochs(), new LoggedProgress());
            Map<String, String> versions = new LinkedHashMap<>();
            versions.put("java", System.getProperty("java.version"));
            versions.put("spark", org.apache.spark.package$.MODULE$.SPARK_VERSION());
            versions.put("backend", c.backend().description());
            ModelBundle bundle = model.toBundle(new TrainingConfig(model.optimizer(), c.batchSize(), c.batchSize(),
                    c.epochs(), c.seed()), new Provenance(dataset, Map.of(), c.seed(), c.backend().name(), versions,
                    Instant.now().toString()));
            return new Trained(bundle, previous == null ? null : LatestItems.of(bundle,
                    PreviousItems.featureName(c.itemFeature()), IntStream.range(0, users.size()).toArray(),
                    previous.latestByUserRow()));
        }
    }

    /**
     * The training batches: the table in its seeded order, cut by {@code RetrievalModel.batches}
     * (which also sets the logQ probabilities when asked), each with its rows' weights when the
     * data has them and its rows' previous items ({@code previousItems}, by row) when the query
     * tower reads them.
     */
    static List<FeatureBatch> batches(RetrievalModel model, EncodedInteractions data, Config c,
            int[] previousItems) {
        Interactions table = data.toInteractions(c.userFeature(), c.itemFeature(),
                previousItems == null ? null : PreviousItems.featureName(c.itemFeature()), previousItems);
        if (c.logQ()) {
            model.logQCorrection(table);
        }
        int[] order = Interactions.permutation(table.size(), c.seed());
        List<FeatureBatch> batches = model.batches(table.select(order), c.batchSize());
        if (data.weights() == null) {
            return batches;
        }
        List<FeatureBatch> weighted = new ArrayList<>(batches.size());
        int from = 0;
        for (FeatureBatch b : batches) {
            float[] w = new float[b.size()];
            for (int k = 0; k < w.length; k++) {
                w[k] = data.weights()[order[from + k]];
            }
            from += b.size();
            weighted.add(new FeatureBatch(b.features(), w, b.candidateSamplingProbability(), b.size()));
        }
        return weighted;
    }

    private static TowerSpec deep(TowerSpec tower, Config c) {
        List<Integer> sizes = c.layerSizes();
        for (int i = 0; i < sizes.size(); i++) {
            tower = tower.withDense(sizes.get(i), i == sizes.size() - 1 ? Activation.LINEAR : Activation.RELU);
        }
        return tower.withNormalize(c.normalize());
    }

    /** Epoch lines in the driver's log, and a line at every tenth of a long epoch's steps. */
    private static final class LoggedProgress implements Progress {
        private int steps;
        private long start;
        private long examples;

        @Override
        public void epochStarted(int epoch, int epochs, int steps) {
            this.steps = steps;
            this.start = System.nanoTime();
            this.examples = 0;
            LOG.info("epoch {}/{} ({} steps)", epoch, epochs, steps);
        }

        @Override
        public void stepDone(int step, int examples, Map<String, Double> logs) {
            this.examples += examples;
            int tenth = Math.max(1, steps / 10);
            if (steps >= 50 && step % tenth == 0 && step < steps) {
                double seconds = (System.nanoTime() - start) / 1e9;
                LOG.info("step {}/{}: {} s, {} examples/s", step, steps, String.format("%.1f", seconds),
                        String.format("%.0f", this.examples / seconds));
            }
        }

        @Override
        public void epochDone(EpochLog log) {
            LOG.info("epoch {} done in {} s, mean loss {}", log.epoch(), String.format("%.2f", log.seconds()),
                    String.format("%.4f", log.get("mean_loss")));
        }
    }
}
