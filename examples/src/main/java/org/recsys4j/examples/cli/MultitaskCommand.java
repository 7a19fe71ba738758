package org.recsys4j.examples.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import org.recsys4j.data.MovieLensDatasets;
import org.recsys4j.examples.tutorial.MultitaskTutorial;
import org.recsys4j.examples.tutorial.TutorialConfig;
import org.recsys4j.train.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "multitask", mixinStandardHelpOptions = true,
        description = "The TFRS multitask tutorial on MovieLens 100k: user and title towers shared by a rating"
                + " task (Dense(256)-Dense(128)-Dense(1), mean squared error) and a retrieval task, losses weighted;"
                + " trains the tutorial's three models (rating:retrieval weights 1:0, 0:1, 1:1) and prints each one's"
                + " test retrieval top-100 accuracy and RMSE. Retrieval options and --features apply to the"
                + " retrieval task and the towers.")
final class MultitaskCommand implements Callable<Integer> {
    /** The tutorial's published figures, by weights "rating:retrieval": {top-100, RMSE}. */
    static final Map<String, double[]> PUBLISHED = Map.of("1:0", new double[] {0.060, 1.113},
            "0:1", new double[] {0.233, 3.688}, "1:1", new double[] {0.235, 1.110});

    @Mixin
    TrainingOptions options = new TrainingOptions();

    @Mixin
    OptimizerOption optimizer = new OptimizerOption();

    @Option(names = "--weights", split = ",", description = "Models to train, as rating:retrieval loss weights"
            + " (default 1:0,0:1,1:1, the tutorial's).")
    List<String> weights;

    private final MovieLensDatasets datasets;
    private final Output out;

    @Inject
    MultitaskCommand(MovieLensDatasets datasets, Output out) {
        this.datasets = datasets;
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        TutorialConfig config = options.apply(MultitaskTutorial.defaults());
        List<double[]> models = weights == null ? MultitaskTutorial.TUTORIAL_WEIGHTS : parse(weights);
        MultitaskTutorial.Result r = MultitaskTutorial.run(config, optimizer.get("adagrad", config.learningRate()),
                models, datasets, ProgressBar.toStderr());
        out.line("Backend: " + r.backendDescription());
        out.line("| rating weight | retrieval weight | test top-100 | test RMSE | published top-100 | published RMSE"
                + " | top-100, tie-robust | top-10, tie-robust |");
        out.line("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        List<Map<String, Object>> report = new ArrayList<>();
        for (MultitaskTutorial.Row row : r.rows()) {
            double[] published = PUBLISHED.get(key(row.ratingWeight(), row.retrievalWeight()));
            out.line(String.format(Locale.ROOT, "| %s | %s | %.4f | %.4f | %s | %s | %.4f | %.4f |",
                    number(row.ratingWeight()), number(row.retrievalWeight()), row.top100(), row.rmse(),
                    published == null ? "" : String.format(Locale.ROOT, "%.3f", published[0]),
                    published == null ? "" : String.format(Locale.ROOT, "%.3f", published[1]),
                    row.top100TieRobust(), row.top10TieRobust()));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rating_weight", row.ratingWeight());
            m.put("retrieval_weight", row.retrievalWeight());
            m.put("test", row.test());
            m.put("epochs", row.epochs());
            if (published != null) {
                m.put("published", Map.of("factorized_top_k/top_100_categorical_accuracy", published[0],
                        "root_mean_squared_error", published[1]));
            }
            report.add(m);
        }
        if (options.report != null) {
            new Report().put("command", "multitask").put("backend", config.backend())
                    .put("backend_description", r.backendDescription()).put("config", described(config))
                    .put("features", r.features()).put("models", report).put("data_files", r.dataFiles())
                    .write(options.report);
            out.line("Report: " + options.report.toAbsolutePath());
        }
        return 0;
    }

    private static List<double[]> parse(List<String> pairs) {
        List<double[]> out = new ArrayList<>();
        for (String p : pairs) {
            String[] parts = p.split(":");
            try {
                if (parts.length != 2) {
                    throw new NumberFormatException();
                }
                out.add(new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])});
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--weights takes rating:retrieval pairs such as 1:0.5, got '" + p
                        + "'");
            }
        }
        return out;
    }

    private Map<String, Object> described(TutorialConfig config) {
        Map<String, Object> c = Configs.describe(config);
        c.put("optimizer", optimizer.get("adagrad", config.learningRate()).toString());
        return c;
    }

    private static String key(double rating, double retrieval) {
        return number(rating) + ":" + number(retrieval);
    }

    private static String number(double x) {
        return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
    }
}
