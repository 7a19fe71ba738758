package org.recsys4j.examples.cli;

import java.time.Instant;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import org.recsys4j.baseline.ItemItemModel;
import org.recsys4j.bundle.Provenance;
import org.recsys4j.data.Dataset;
import org.recsys4j.duckdb.DuckDbTableReader;
import org.recsys4j.examples.tutorial.TutorialConfig;
import org.recsys4j.examples.tutorial.Versions;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.Backends;
import org.recsys4j.train.PeakMemory;
import org.recsys4j.train.ProgressBar;
import org.recsys4j.train.TableTraining;
import picocli.CommandLine.Command;
import org.recsys4j.split.SplitSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a two-tower retrieval model on your own interactions table (CSV/TSV, Parquet, JSON lines,"
                + " a glob, or SQL, read by DuckDB), evaluate it on a split, and save a bundle that holds everything"
                + " recommend and export need: the vocabularies, the catalog with its labels, the feature statistics"
                + " and the split.")
final class TrainCommand implements Callable<Integer> {
    @Mixin
    TableOptions table = new TableOptions();

    @Mixin
    TrainingOptions options = new TrainingOptions();

    @Option(names = "--split", description = "How to divide the interactions:"
            + " random:F (seeded shuffle, share F trains; random:0.8 is the default), temporal:F (a global time"
            + " cut-off), last:N or last:F (each user's last N, or last share F, by time). The time splits need"
            + " --timestamp.")
    String split;

    @Option(names = "--preset", defaultValue = "seed", description = "Starting configuration: seed (the TFRS"
            + " tutorial's settings, default) or temporal (split last:0.2, logQ, L2 0.05, 8 epochs, and the user's"
            + " previous training item as a query feature, previous_<candidate-id>: the best measured under that"
            + " split; needs --timestamp). Other flags override it.")
    String preset;

    @Option(names = "--baseline", split = ",", description = "More baselines under the same protocol, beside"
            + " popularity, in the output and the report: item-knn (cosine), ease (EASE, L2 weight --lambda);"
            + " both hold a dense items x items matrix, so catalogs of up to 10,000 items.")
    List<String> baselines = List.of();

    @Option(names = "--lambda", defaultValue = "200", description = "EASE's L2 weight (default ${DEFAULT-VALUE}).")
    double lambda;

    private final Output out;

    @Inject
    TrainCommand(Output out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        if (options.dataDir != null || options.features != null || options.timestampBuckets != null) {
            throw new IllegalArgumentException("--data-dir, --features and --timestamp-buckets are MovieLens options;"
                    + " train names its table with --interactions or --sql and its features with --query-features"
                    + " and --candidate-features");
        }
        TutorialConfig config = options.apply(switch (preset) {
            case "seed" -> TutorialConfig.retrievalDefaults();
            case "temporal" -> TutorialConfig.temporal();
            default -> throw new IllegalArgumentException("--preset must be seed or temporal, got '" + preset + "'");
        });
        SplitSpec splitSpec = split != null ? SplitSpec.parse(split) : config.split();
        TableTraining.Options o = Configs.tableTraining(config, splitSpec);
        for (String b : baselines) {
            if (!b.equals("item-knn") && !b.equals("ease")) {
                throw new IllegalArgumentException("--baseline " + b + " is not known; use item-knn or ease"
                        + " (popularity is always there)");
            }
        }
        if (baselines.contains("ease") && (!(lambda > 0) || !Double.isFinite(lambda))) {
            throw new IllegalArgumentException("--lambda must be a positive number, got " + lambda);
        }
        Dataset data = new DuckDbTableReader().read(table.spec());
        if (!baselines.isEmpty() && data.items().size() > ItemItemModel.MAX_ITEMS) {
            throw new IllegalArgumentException("--baseline " + String.join(",", baselines) + " learns a dense items"
                    + " x items matrix: at most " + ItemItemModel.MAX_ITEMS + " items, and " + data.load().source()
                    + " has " + data.items().size());
        }
        int users = org.recsys4j.train.Vocabularies.used(data.interactions().categorical(data.spec().queryId())).length;
        out.line(String.format(Locale.ROOT, "Read %,d interactions (%,d users, %,d items) from %s in %.2f s"
                + " (%,.0f rows/s)", data.load().rows(), users, data.items().size(), data.load().source(),
                data.load().seconds(), data.load().rowsPerSecond()));
        data.warnings().forEach(out::warn);
        Backend backend = Backends.get(config.backend());
        Backend trainer = backend.canTrain() ? backend : Backends.get(TutorialConfig.DEFAULT_TRAINER);
        Provenance provenance = new Provenance(data.load().source(), Map.of(), config.seed(), trainer.name(),
                Versions.all(trainer), Instant.now().toString());
        TableTraining.Result r = TableTraining.run(data, o, trainer, config.backendOptions(),
                config.outputDir().resolve("retrieval"), ProgressBar.toStderr(), provenance);
        r.warnings().stream().filter(w -> !data.warnings().contains(w)).forEach(out::warn);
        out.line("Split " + r.split());
        out.line("Backend: " + trainer.description());
        out.epochs(r.history().epochs().stream().map(e -> new org.recsys4j.examples.tutorial.EpochReport(e.epoch(),
                e.seconds(), e.logs())).toList());
        out.metrics(String.format(Locale.ROOT, "Test set (%,d interactions):", r.split().test().length), r.test());
        out.metrics("Most-popular baseline, same split and metric:", r.popularity());
        Map<String, Object> baselineMetrics = new LinkedHashMap<>();
        baselineMetrics.put("popularity", r.popularity());
        for (String b : baselines) {
            Map<String, Double> m = r.ranking().evaluate(BaselineCommand.scorer(b, r.ranking().train(), lambda));
            out.metrics("Baseline " + b + (b.equals("ease") ? " (lambda " + lambda + ")" : "") + ", same users:", m);
            baselineMetrics.put(b, m);
        }
        out.line("Bundle: " + r.bundleDir().toAbsolutePath());
        long peak = PeakMemory.residentBytes();
        if (options.report != null) {
            Map<String, Object> dataReport = new LinkedHashMap<>(data.load().describe());
            dataReport.put("users", users);
            dataReport.put("items", data.items().size());
            // the features are the trained towers' (a table's columns, previous_<candidate-id>), not the
            // MovieLens presets' names, and the table's source stands where a data directory would
            Map<String, Object> described = new LinkedHashMap<>(Configs.describe(config));
            described.remove("data_dir");
            described.put("query_features", r.bundle().spec().query().features().stream()
                    .map(org.recsys4j.spec.FeatureSpec::name).toList());
            described.put("candidate_features", r.bundle().spec().candidate().features().stream()
                    .map(org.recsys4j.spec.FeatureSpec::name).toList());
            described.remove("features");
            Report report = new Report().put("command", "train").put("backend", trainer.name())
                    .put("backend_description", trainer.description()).put("config", described)
                    .put("data", dataReport).put("split", r.split().describe())
                    .put("epochs", r.history().epochs()).put("test", r.test()).put("baseline", baselineMetrics);
            if (baselines.contains("ease")) {
                report.put("baseline_ease_lambda", lambda);
            }
            report.put("bundle", r.bundleDir().toAbsolutePath().toString()).put("warnings", r.warnings())
                    .put("peak_rss_bytes", peak).write(options.report);
            out.line("Report: " + options.report.toAbsolutePath());
        }
        return 0;
    }
}
