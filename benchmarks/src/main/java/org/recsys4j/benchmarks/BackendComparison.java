package org.recsys4j.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.recsys4j.data.Interactions;
import org.recsys4j.split.Split;
import org.recsys4j.split.SplitSpec;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.data.MovieLensDatasets;
import org.recsys4j.io.AtomicFiles;
import org.recsys4j.io.JsonFiles;
import org.recsys4j.metrics.FactorizedTopK;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.Backends;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.task.Retrieval;
import org.recsys4j.train.EpochLog;
import org.recsys4j.train.Progress;
import org.recsys4j.train.RetrievalModel;
import org.recsys4j.vocab.StringLookup;

/**
 * Trains the seed config (MovieLens 100k, 80k ratings, batch 8192, dimension 32, Adagrad 0.1,
 * training metrics off) on every backend and formulation in one run, and prints seconds per
 * epoch (the median after a warm-up epoch) and test top-100:
 * {@code BackendComparison DATA_DIR [EPOCHS] [REPORT.json]}.
 */
public final class BackendComparison {
    private BackendComparison() {
    }

    public static void main(String[] args) throws IOException {
        Path dataDir = args.length > 0 ? Path.of(args[0]) : null;
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        MovieLensData data = MovieLensDatasets.withDefaultCache().load(dataDir);
        // the tutorial's split (random:0.8, seed 42): 80,000 / 20,000 of MovieLens 100k
        Split split = SplitSpec.seedDefault().apply(data.ratings().size(), null, null, 42);
        Interactions train = data.ratings().select(split.train());
        Interactions test = data.ratings().select(split.test());
        StringLookup users = StringLookup.ofUnique(data.ratings().strings("user_id"));
        StringLookup titles = StringLookup.ofUnique(data.movies().strings("movie_title"));
        RetrievalSpec spec = new RetrievalSpec(TowerSpec.embedding("query", "user_id", users.size(), 32),
                TowerSpec.embedding("candidate", "movie_title", titles.size(), 32), RetrievalTaskSpec.defaults());
        List<String> movies = List.of(data.movies().strings("movie_title"));

        List<Map<String, Object>> rows = new ArrayList<>();
        System.out.printf(Locale.ROOT, "%-11s %-9s %-6s %12s %12s %10s%n", "backend", "softmax", "xla", "s/epoch",
                "first epoch", "top-100");
        for (String backend : List.of("nd4j", "tensorflow")) {
            for (String collapse : List.of("true", "false")) {
                for (String xla : backend.equals("tensorflow") ? List.of("false", "true") : List.of("false")) {
                    if (xla.equals("true") && System.getenv("TF_XLA_FLAGS") == null) {
                        continue; // XLA on CPU needs the flag before TensorFlow loads
                    }
                    rows.add(run(spec, users, titles, movies, train, test, backend, collapse, xla, epochs));
                }
            }
        }
        if (args.length > 2) {
            AtomicFiles.write(Path.of(args[2]), JsonFiles.bytes(Map.of("config", Map.of("batch_size", 8192,
                    "embedding_dim", 32, "epochs", epochs, "train_examples", train.size()), "runs", rows)));
        }
    }

    private static Map<String, Object> run(RetrievalSpec spec, StringLookup users, StringLookup titles,
            List<String> movies, Interactions train, Interactions test, String backend, String collapse, String xla,
            int epochs) {
        // xla is TensorFlow's own setting: the other backends refuse keys they do not take
        BackendOptions options = new BackendOptions(backend.equals("tensorflow") ? Map.of("collapse", collapse, "xla",
                xla) : Map.of("collapse", collapse));
        try (RetrievalModel model = new RetrievalModel(spec, Map.of("user_id", users, "movie_title", titles),
                new Retrieval(new FactorizedTopK(movies)), Backends.get(backend), new Adagrad(0.1), 42, options)) {
            model.computeTrainingMetrics(false);
            List<FeatureBatch> batches = model.batches(train, 8192);
            List<EpochLog> logs = model.fit(batches, epochs, Progress.silent()).epochs();
            double[] later = logs.stream().skip(1).mapToDouble(EpochLog::seconds).sorted().toArray();
            double median = later.length == 0 ? logs.get(0).seconds() : later[later.length / 2];
            double top100 = model.evaluate(test, 4096).get(FactorizedTopK.metricName(100));
            String softmax = collapse.equals("true") ? "collapsed" : "plain";
            System.out.printf(Locale.ROOT, "%-11s %-9s %-6s %12.3f %12.3f %10.4f%n", backend, softmax, xla, median,
                    logs.get(0).seconds(), top100);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("backend", backend);
            row.put("softmax", softmax);
            row.put("xla", Boolean.parseBoolean(xla));
            row.put("seconds_per_epoch_median", median);
            row.put("epoch_seconds", Arrays.stream(logs.stream().mapToDouble(EpochLog::seconds).toArray()).boxed()
                    .toList());
            row.put("test_top_100", top100);
            return row;
        }
    }
}
