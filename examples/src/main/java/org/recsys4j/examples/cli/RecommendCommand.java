package org.recsys4j.examples.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.data.MalformedDataException;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.data.MovieLensDatasets;
import org.recsys4j.examples.tutorial.TutorialConfig;
import org.recsys4j.index.BruteForceIndex;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.Backends;
import org.recsys4j.spi.Inference;
import org.recsys4j.vocab.StringLookup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "recommend", mixinStandardHelpOptions = true,
        description = "Top-k movies for raw user ids from a saved bundle, through a brute-force index.")
final class RecommendCommand implements Callable<Integer> {
    @Option(names = "--bundle", required = true, description = "The model bundle directory.")
    Path bundle;

    @Option(names = "--user", required = true, split = ",", description = "User ids, comma-separated.")
    List<String> users;

    @Option(names = "--k", defaultValue = "10", description = "Results per user (default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--backend", defaultValue = TutorialConfig.DEFAULT_BACKEND,
            description = "Inference backend (default"
            + " ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--data-dir", description = "MovieLens directory whose movies are indexed.")
    Path dataDir;

    @Option(names = "--report", description = "Also write the result as JSON to this file.")
    Path report;

    private final MovieLensDatasets datasets;
    private final Output out;

    @Inject
    RecommendCommand(MovieLensDatasets datasets, Output out) {
        this.datasets = datasets;
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        ModelBundle model = BundleIO.load(bundle);
        MovieLensData data = datasets.load(dataDir);
        List<String> candidates = known(model, List.of(data.movies().strings(model.spec().candidate().feature())));
        StringLookup userVocabulary = model.vocabulary(model.spec().query());
        Map<String, List<String>> recommendations = new LinkedHashMap<>();
        try (Inference inference = Backends.get(backend).inference(model, BackendOptions.none())) {
            BruteForceIndex index = new BruteForceIndex(inference.queryTower())
                    .index(candidates, inference.candidateTower().embed(candidates.toArray(String[]::new)));
            for (String user : users) {
                if (!userVocabulary.contains(user)) {
                    out.warn("user " + user + " is not in the model's vocabulary: these are the recommendations"
                            + " for an unknown user");
                }
                List<String> top = index.query(user, k).identifiers();
                recommendations.put(user, top);
                out.recommendations(user, backend, top);
            }
        }
        if (report != null) {
            new Report().put("command", "recommend").put("backend", backend)
                    .put("bundle", bundle.toAbsolutePath().toString()).put("recommendations", recommendations)
                    .write(report);
        }
        return 0;
    }

    /**
     * The data's titles that the model has an embedding for. Titles it never saw would all share the
     * out-of-vocabulary embedding, so they are left out, and how many is said; when none is known the
     * data is not what the model was trained on.
     */
    private List<String> known(ModelBundle model, List<String> titles) throws IOException {
        StringLookup vocabulary = model.vocabulary(model.spec().candidate());
        List<String> known = titles.stream().filter(vocabulary::contains).toList();
        int unknown = titles.size() - known.size();
        String example = titles.stream().filter(t -> !vocabulary.contains(t)).findFirst().orElse("");
        if (known.isEmpty()) {
            throw new IOException("none of the " + titles.size() + " titles in the data is in the model's"
                    + " vocabulary (e.g. " + MalformedDataException.quote(example) + "): is this the data the model"
                    + " in " + bundle + " was trained on?");
        }
        if (unknown > 0) {
            out.warn(unknown + " of " + titles.size() + " titles in the data are not in the model's vocabulary"
                    + " (e.g. " + MalformedDataException.quote(example) + ") and are left out of the recommendations");
        }
        return known;
    }
}
