package org.recsys4j.examples.tutorial;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.data.MovieLensDatasets;
import org.recsys4j.metrics.RootMeanSquaredError;
import org.recsys4j.spec.Optimizer;
import org.recsys4j.spec.RankingLoss;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.Backends;
import org.recsys4j.split.Split;
import org.recsys4j.split.SplitSpec;
import org.recsys4j.task.Ranking;
import org.recsys4j.train.Progress;
import org.recsys4j.train.RecommenderModel;

/**
 * The MovieLens part of the TFRS "Deep &amp; Cross Network (DCN)" tutorial in Java: six features
 * ({@link RankingModels#DCN_FEATURES}) each embedded in 32 dimensions and concatenated, then a
 * cross layer (full or low rank, {@code projection_dim = 20}) and {@code Dense(192)} twice, or no
 * cross layer and {@code Dense(192)} three times; mean squared error, Adam 0.01, batch 8192, 8
 * epochs. Each model is trained several times (the tutorial: 5) from different initial weights on
 * the same split, and the test RMSE's mean and standard deviation are reported.
 */
public final class DcnTutorial {
    /** One kind of model over its runs: each run's test RMSE, their mean and (population) standard deviation. */
    public record Row(RankingModels.DcnKind kind, List<Double> rmses, double mean, double stdv, double seconds) {
    }

    /** What the run produced: the rows, and the split they were measured on. */
    public record Result(String backendDescription, List<Row> rows, Map<String, String> dataFiles, Split split) {
    }

    private DcnTutorial() {
    }

    /** The tutorial's split: TFDS's record order shuffled as tf.data does with the seed (42), 80% to train. */
    public static final SplitSpec TUTORIAL_SPLIT = SplitSpec.parse("tfds:0.8");

    /**
     * The tutorial's settings: dimension 32, batch 8192 and 4096, 8 epochs, Adam 0.01 (see the
     * command), and its own split ({@link #TUTORIAL_SPLIT}): the published comparison is one split,
     * and which one moves every row's mean by about the spread of the runs.
     */
    public static TutorialConfig defaults() {
        TutorialConfig d = TutorialConfig.retrievalDefaults();
        return new TutorialConfig(d.backend(), d.backendOptions(), 8, d.batchSize(), d.evalBatchSize(),
                d.embeddingDim(), 0.01, d.seed(), d.dataDir(), false, d.outputDir(), false, d.task(), d.features(),
                d.timestampBuckets(), false, false, d.layerSizes(), TUTORIAL_SPLIT);
    }

    /**
     * @param runs models trained per kind; run i starts from initial weights of seed {@code seed + i}
     */
    public static Result run(TutorialConfig config, Optimizer optimizer, List<RankingModels.DcnKind> kinds, int runs,
            MovieLensDatasets datasets, Progress progress) throws IOException {
        if (runs < 1) {
            throw new IllegalArgumentException("--runs must be 1 or more, got " + runs);
        }
        MovieLensData movielens = datasets.load(config.dataDir());
        Interactions all = RankingModels.dcnFeatures(movielens.ratings());
        Split split = RankingProtocol.split(movielens.ratings(), config.split(), config.seed());
        Interactions train = all.select(split.train());
        Interactions test = all.select(split.test());
        Backend backend = Backends.get(config.backend());
        List<Row> rows = new ArrayList<>();
        for (RankingModels.DcnKind kind : kinds) {
            RankingModels.Model m = RankingModels.dcn(all, config.embeddingDim(), kind);
            List<Double> rmses = new ArrayList<>();
            long start = System.nanoTime();
            for (int run = 0; run < runs; run++) {
                Ranking task = new Ranking(RankingLoss.MEAN_SQUARED_ERROR, List.of(new RootMeanSquaredError("RMSE")));
                try (RecommenderModel model = new RecommenderModel(m.spec(), m.vocabularies(), Map.of("rating", task),
                        backend, optimizer, config.seed() + run, config.backendOptions())) {
                    model.computeTrainingMetrics(false);
                    var batches = model.batches(train, config.batchSize());
                    model.fit(batches, config.epochs(), progress);
                    rmses.add(model.evaluate(test, config.evalBatchSize()).get("RMSE"));
                }
            }
            double mean = rmses.stream().mapToDouble(Double::doubleValue).average().orElse(0);
            double variance = rmses.stream().mapToDouble(r -> (r - mean) * (r - mean)).average().orElse(0);
            rows.add(new Row(kind, rmses, mean, Math.sqrt(variance), (System.nanoTime() - start) / 1e9));
        }
        return new Result(backend.description(), rows, movielens.files(), split);
    }
}
