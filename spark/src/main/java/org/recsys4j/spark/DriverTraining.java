package org.recsys4j.spark;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.bundle.Provenance;
import org.recsys4j.spec.Activation;
import org.recsys4j.spec.Adagrad;
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
 * Trains on the driver from the encoded columns: the towers and the Retrieval task from the
 * estimator's params, batches cut straight from the {@code int[]} columns (a seeded shuffle once,
 * as the TFRS tutorial's {@code shuffle(..., reshuffle_each_iteration=False)}), and
 * {@code RetrievalModel.fit} on the chosen backend.
 */
final class DriverTraining {
    private static final Logger LOG = LoggerFactory.getLogger(TwoTowerRetrieval.class);

    /** What the estimator's params say about the model and its training. */
    record Config(String userFeature, String itemFeature, int rank, List<Integer> layerSizes, boolean normalize,
            RetrievalTaskSpec task, boolean logQ, double learningRate, int batchSize, int epochs, long seed,
            Backend backend, BackendOptions options) {
    }

    private DriverTraining() {
    }

    static ModelBundle train(EncodedInteractions data, Config c, String dataset) {
        StringLookup users = data.userVocabulary();
        StringLookup items = data.itemVocabulary();
        RetrievalSpec spec = new RetrievalSpec(
                deep(TowerSpec.embedding("query", c.userFeature(), users.size(), c.rank()), c),
                deep(TowerSpec.embedding("candidate", c.itemFeature(), items.size(), c.rank()), c), c.task());
        Map<String, StringLookup> vocabularies = new LinkedHashMap<>();
        vocabularies.put(c.userFeature(), users);
        vocabularies.put(c.itemFeature(), items);
        try (RetrievalModel model = new RetrievalModel(spec, vocabularies, new Retrieval(spec.task(), List.of()),
                c.backend(), new Adagrad(c.learningRate()), c.seed(), c.options())) {
            model.computeTrainingMetrics(false);
            LOG.info("{} interactions, {} users, {} items; training {} epochs on {}", data.size(),
                    users.size() - 1, items.size() - 1, c.epochs(), c.backend().description());
            model.fit(batches(data, c), c.epochs(), new LoggedProgress());
            Map<String, String> versions = new LinkedHashMap<>();
            versions.put("java", System.getProperty("java.version"));
            versions.put("spark", org.apache.spark.package$.MODULE$.SPARK_VERSION());
            versions.put("backend", c.backend().description());
            return model.toBundle(new TrainingConfig(model.optimizer(), c.batchSize(), c.batchSize(), c.epochs(),
                    c.seed()), new Provenance(dataset, Map.of(), c.seed(), c.backend().name(), versions,
                    Instant.now().toString()));
        }
    }

    /** The rows in one seeded order, cut into batches of vocabulary rows. */
    static List<FeatureBatch> batches(EncodedInteractions data, Config c) {
        int n = data.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(c.seed());
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        float[] probability = c.logQ() ? samplingProbability(data.itemCounts(), n) : null;
        List<FeatureBatch> out = new ArrayList<>();
        for (int from = 0; from < n; from += c.batchSize()) {
            int size = Math.min(c.batchSize(), n - from);
            int[] u = new int[size];
            int[] it = new int[size];
            float[] w = data.weights() == null ? null : new float[size];
            float[] p = probability == null ? null : new float[size];
            for (int k = 0; k < size; k++) {
                int row = order[from + k];
                u[k] = data.users()[row];
                it[k] = data.items()[row];
                if (w != null) {
                    w[k] = data.weights()[row];
                }
                if (p != null) {
                    p[k] = probability[it[k]];
                }
            }
            out.add(new FeatureBatch(Map.of(c.userFeature(), u, c.itemFeature(), it), w, p, size));
        }
        return out;
    }

    /**
     * Each item's share of the training interactions, add-one smoothed, as
     * {@code RetrievalModel.logQCorrection} estimates it from string columns.
     */
    static float[] samplingProbability(long[] counts, int rows) {
        double total = rows + counts.length;
        float[] p = new float[counts.length];
        for (int r = 0; r < counts.length; r++) {
            p[r] = (float) ((counts[r] + 1.0) / total);
        }
        return p;
    }

    private static TowerSpec deep(TowerSpec tower, Config c) {
        List<Integer> sizes = c.layerSizes();
        for (int i = 0; i < sizes.size(); i++) {
            tower = tower.withDense(sizes.get(i), i == sizes.size() - 1 ? Activation.LINEAR : Activation.RELU);
        }
        return tower.withNormalize(c.normalize());
    }

    /** Epoch lines in the driver's log: long fits show where they are. */
    private static final class LoggedProgress implements Progress {
        @Override
        public void epochStarted(int epoch, int epochs, int steps) {
            LOG.info("epoch {}/{} ({} steps)", epoch, epochs, steps);
        }

        @Override
        public void stepDone(int step, int examples, Map<String, Double> logs) {
        }

        @Override
        public void epochDone(EpochLog log) {
            LOG.info("epoch {} done in {} s, mean loss {}", log.epoch(),
                    String.format("%.2f", log.seconds()), String.format("%.4f", log.get("mean_loss")));
        }
    }
}
