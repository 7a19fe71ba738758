package org.recsys4j.examples.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.bundle.LatestItems;
import org.recsys4j.bundle.ModelBundle;
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

    @Option(names = "--data-dir", description = "A MovieLens directory whose movies the model knows are indexed"
            + " instead of the bundle's catalog (data.json); needed only for a bundle older than data.json"
            + ".")
    Path dataDir;

    @Option(names = "--report", description = "Also write the result as JSON to this file.")
    Path report;

    @Option(names = "--ranker", description = "A ranking bundle: the retrieval's top --candidates are reordered by"
            + " its predicted rating (two stages).")
    Path ranker;

    @Option(names = "--candidates", defaultValue = "100", description = "With --ranker: candidates retrieved per"
            + " user (default ${DEFAULT-VALUE}).")
    int candidates;

    @Option(names = "--evaluate", description = "With --ranker: NDCG@k on the test split, retrieval alone against"
            + " retrieval then ranking.")
    boolean evaluate;

    private final MovieLensDatasets datasets;
    private final Output out;

    @Inject
    RecommendCommand(MovieLensDatasets datasets, Output out) {
        this.datasets = datasets;
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        if (ranker != null) {
            return TwoStageRecommend.run(bundle, ranker, users, k, candidates, evaluate, backend,
                    datasets.load(dataDir), out, report);
        }
        ModelBundle model = BundleIO.load(bundle);
        org.recsys4j.data.ItemCatalog catalog = Catalogs.of(bundle, model, datasets, dataDir, out);
        List<String> candidates = List.of(catalog.ids());
        Map<String, String> labels = catalog.labelById();
        StringLookup userVocabulary = model.vocabulary(model.spec().query());
        Map<String, List<String>> recommendations = new LinkedHashMap<>();
        try (Inference inference = Backends.get(backend).inference(model, BackendOptions.none())) {
            BruteForceIndex index = new BruteForceIndex(
                    LatestItems.askedWithLatest(bundle, model, inference.queryTower()))
                    .index(candidates, inference.candidateTower().embed(candidates.toArray(String[]::new)));
            for (String user : users) {
                if (!userVocabulary.contains(user)) {
                    out.warn("user " + user + " is not in the model's vocabulary: these are the recommendations"
                            + " for an unknown user");
                }
                List<String> top = index.query(user, k).identifiers().stream().map(labels::get).toList();
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
}
