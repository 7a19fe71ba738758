package org.recsys4j.examples.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.recsys4j.examples.tutorial.MovieLensFeatures;
import org.recsys4j.examples.tutorial.TutorialConfig;
import org.recsys4j.split.SplitSpec;
import org.recsys4j.train.TableTraining;

/** A tutorial config as report JSON. */
final class Configs {
    private Configs() {
    }

    /**
     * The config's training settings for {@link TableTraining}, with the split named by {@code split};
     * the {@code previous_title} feature of the MovieLens presets is the previous item of any table.
     */
    static TableTraining.Options tableTraining(TutorialConfig c, SplitSpec split) {
        return new TableTraining.Options(split, c.embeddingDim(), c.learningRate(), c.batchSize(), c.evalBatchSize(),
                c.epochs(), c.seed(), c.logQ(), c.task(), c.layerSizes(), c.normalize(), c.candidateBias(),
                c.trainingMetrics(), c.features().contains(MovieLensFeatures.PREVIOUS_TITLE));
    }

    static Map<String, Object> describe(TutorialConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epochs", c.epochs());
        m.put("batch_size", c.batchSize());
        m.put("eval_batch_size", c.evalBatchSize());
        m.put("embedding_dim", c.embeddingDim());
        m.put("optimizer", "adagrad");
        m.put("learning_rate", c.learningRate());
        m.put("seed", c.seed());
        m.put("split", c.split().toString());
        m.put("training_metrics", c.trainingMetrics());
        m.put("logq", c.logQ() ? "auto" : "none");
        m.put("temperature", c.task().temperature());
        m.put("l2_per_example", c.l2());
        m.put("l2_per_table", c.task().l2PerTable());
        m.put("remove_accidental_hits", c.task().removeAccidentalHits());
        m.put("num_hard_negatives", c.task().numHardNegatives());
        m.put("extra_negatives", c.task().extraNegatives() == org.recsys4j.spec.RetrievalTaskSpec.ALL_CANDIDATES
                ? "all" : c.task().extraNegatives());
        m.put("candidate_bias", c.candidateBias());
        m.put("normalize", c.normalize());
        m.put("layer_sizes", c.layerSizes());
        m.put("features", new java.util.TreeSet<>(c.features()));
        if (c.features().contains("timestamp")) {
            m.put("timestamp_buckets", c.timestampBuckets());
        }
        m.put("data_dir", c.dataDir() == null ? null : c.dataDir().toAbsolutePath().toString());
        m.put("backend_options", c.backendOptions().values());
        return m;
    }
}
