package org.recsys4j.examples.cli;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.inject.Inject;
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
        Dataset data = new DuckDbTableReader().read(table.spec());
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
        out.line("Bundle: " + r.bundleDir().toAbsolutePath());
        long peak = PeakMemory.residentBytes();
        if (options.report != null) {
            Map<String, Object> dataReport = new LinkedHashMap<>(data.load().describe());
            dataReport.put("users", users);
            dataReport.put("items", data.items().size());
            Map<String, Object> baselines = new LinkedHashMap<>();
            baselines.put("popularity", r.popularity());
            new Report().put("command", "train").put("backend", trainer.name())
                    .put("backend_description", trainer.description()).put("config", Configs.describe(config))
                    .put("data", dataReport).put("split", r.split().describe())
                    .put("epochs", r.history().epochs()).put("test", r.test()).put("baseline", baselines)
                    .put("bundle", r.bundleDir().toAbsolutePath().toString()).put("warnings", r.warnings())
                    .put("peak_rss_bytes", peak).write(options.report);
            out.line("Report: " + options.report.toAbsolutePath());
        }
        return 0;
    }
}
