package org.recsys4j.examples.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import org.recsys4j.data.MovieLensDatasets;
import org.recsys4j.examples.tutorial.EfficientServing;
import org.recsys4j.examples.tutorial.TutorialConfig;
import org.recsys4j.train.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "efficient-serving", mixinStandardHelpOptions = true,
        description = "The TFRS efficient-serving example: movie embeddings blown up to about a million candidates,"
                + " brute force against the ScaNN index on one thread, for a few search settings.")
final class EfficientServingCommand implements Callable<Integer> {
    @Mixin
    TrainingOptions options = new TrainingOptions();

    @Mixin
    ScannOptions scann = new ScannOptions();

    @Option(names = "--bundle", description = "Use this trained retrieval bundle instead of training one.")
    Path bundle;

    @Option(names = "--candidates", defaultValue = "1000000", description = "Candidates after the blow-up"
            + " (default ${DEFAULT-VALUE}).")
    int candidates;

    @Option(names = "--queries", defaultValue = "300", description = "Users queried (default ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "--search", split = ",", defaultValue = "20:100,30:100,40:100,50:100,70:200",
            description = "Search settings LEAVES_TO_SEARCH:REORDERING_CANDIDATES, comma-separated"
                    + " (default ${DEFAULT-VALUE}).")
    List<String> searches;

    @Option(names = "--min-seconds", defaultValue = "2", description = "Least time each setting is timed for"
            + " (default ${DEFAULT-VALUE}).")
    double minSeconds;

    @Option(names = "--publish", description = "Also save the bundle with the index as the next version in this"
            + " model directory, for recsys4j serve --model-dir (searched with the first setting of recall@10"
            + " >= 0.95).")
    java.nio.file.Path publish;

    private final MovieLensDatasets datasets;
    private final Output out;

    @Inject
    EfficientServingCommand(MovieLensDatasets datasets, Output out) {
        this.datasets = datasets;
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        TutorialConfig training = options.apply(EfficientServing.trainingDefaults());
        List<EfficientServing.SearchSetting> settings = new ArrayList<>();
        for (String s : searches) {
            settings.add(EfficientServing.SearchSetting.parse(s));
        }
        EfficientServing.Config config = new EfficientServing.Config(training, bundle, candidates, queries,
                scann.apply(EfficientServing.indexDefaults()), settings, minSeconds, training.seed(), publish);
        EfficientServing.Result r = EfficientServing.run(config, datasets, ProgressBar.toStderr(), out::note);

        out.line(String.format(Locale.ROOT, "Efficient serving: %,d candidates of dimension %d, %d queries, top %d,"
                + " one thread (%d processors, load average %.2f at the start)", r.candidates(), r.dimension(),
                r.queries(), EfficientServing.K, r.processors(), r.loadAverageAtStart()));
        out.line(String.format(Locale.ROOT, "Brute force: %.1f queries/s (the faster of %.1f before and %.1f after"
                + " the index)", r.bruteForceQueriesPerSecond(), r.bruteForceTimings().get(0),
                r.bruteForceTimings().get(1)));
        out.line(String.format(Locale.ROOT, "ScaNN index: %d leaves, built in %.1f s", r.leaves(), r.buildSeconds()));
        out.line("| leaves searched | reordering candidates | recall@10 | queries/s | CPU µs/query"
                + " | speed-up vs brute force |");
        out.line("| ---: | ---: | ---: | ---: | ---: | ---: |");
        for (EfficientServing.Row row : r.rows()) {
            out.line(String.format(
                    Locale.ROOT, "| %d | %d | %.4f | %.1f | %.0f | %.1fx |", row.parameters().numLeavesToSearch(),
                    row.parameters().numReorderingCandidates(), row.recallAt10(), row.queriesPerSecond(),
                    row.cpuMicrosPerQuery(), row.speedupVsBruteForce()));
        }
        if (r.published() != null) {
            out.line(String.format(Locale.ROOT, "Published: %s, searching %d leaves, reordering %d: recall@10 %.4f",
                    r.publishedTo().toAbsolutePath(), r.published().parameters().numLeavesToSearch(),
                    r.published().parameters().numReorderingCandidates(), r.published().recallAt10()));
        }
        if (options.report != null) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (EfficientServing.Row row : r.rows()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("index", "scann");
                m.put("parameters", ScannOptions.describe(row.parameters()));
                m.put("recall_at_10", row.recallAt10());
                m.put("queries_per_second", row.queriesPerSecond());
                m.put("cpu_microseconds_per_query", row.cpuMicrosPerQuery());
                m.put("speedup_vs_brute_force", row.speedupVsBruteForce());
                m.put("build_seconds", row.buildSeconds());
                m.put("queries_timed", row.queriesTimed());
                rows.add(m);
            }
            Map<String, Object> bruteForce = new LinkedHashMap<>();
            bruteForce.put("queries_per_second", r.bruteForceQueriesPerSecond());
            bruteForce.put("queries_timed", r.bruteForceQueriesTimed());
            bruteForce.put("timings_queries_per_second", r.bruteForceTimings());
            Map<String, Object> machine = new LinkedHashMap<>();
            machine.put("processors", r.processors());
            machine.put("load_average_at_start", r.loadAverageAtStart());
            machine.put("java", System.getProperty("java.version"));
            new Report().put("command", "efficient-serving").put("model", r.model())
                    .put("embeddings", r.embeddings())
                    .put("candidates", r.candidates()).put("embedding_dim", r.dimension()).put("queries", r.queries())
                    .put("k", EfficientServing.K).put("threads", 1).put("brute_force", bruteForce)
                    .put("index_leaves", r.leaves()).put("build_seconds", r.buildSeconds()).put("settings", rows)
                    .put("published", published(r))
                    .put("machine", machine).put("config", Configs.describe(training))
                    .write(options.report);
            out.line("Report: " + options.report.toAbsolutePath());
        }
        return 0;
    }

    /** The published version and its setting's figures, or null when nothing was published. */
    private static Map<String, Object> published(EfficientServing.Result r) {
        if (r.published() == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version_dir", r.publishedTo().toAbsolutePath().toString());
        m.put("parameters", ScannOptions.describe(r.published().parameters()));
        m.put("recall_at_10", r.published().recallAt10());
        m.put("queries_per_second", r.published().queriesPerSecond());
        m.put("cpu_microseconds_per_query", r.published().cpuMicrosPerQuery());
        return m;
    }
}
