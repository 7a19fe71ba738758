package org.recsys4j.examples.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.bundle.LatestItems;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.examples.tutorial.RankingModels;
import org.recsys4j.examples.tutorial.TwoStageEvaluation;
import org.recsys4j.index.BruteForceIndex;
import org.recsys4j.index.TopK;
import org.recsys4j.ranking.HeadRanker;
import org.recsys4j.ranking.TwoStageRecommender;
import org.recsys4j.spec.RankingTask;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.Backends;
import org.recsys4j.spi.Inference;

/**
 * {@code recommend --ranker}: the retrieval bundle's index over the movies picks each user's
 * {@code candidates}, the ranking bundle's head reorders them ({@link TwoStageRecommender}); with
 * {@code evaluate}, both orders are measured on the test split both bundles were trained on.
 */
final class TwoStageRecommend {
    private TwoStageRecommend() {
    }

    static int run(Path retrievalDir, Path rankerDir, List<String> users, int k, int candidates, boolean evaluate,
            String backend, MovieLensData data, Output out, Path report) throws Exception {
        ModelBundle retrieval = BundleIO.load(retrievalDir);
        ModelBundle ranking = BundleIO.load(rankerDir);
        if (retrieval.spec() == null) {
            throw new IllegalArgumentException(retrievalDir + " holds no retrieval model (its tasks are "
                    + retrieval.model().tasks().stream().map(t -> t.name()).toList() + ")");
        }
        List<RankingTask> tasks = ranking.model().rankingTasks();
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException(rankerDir + " holds no ranking task (its tasks are "
                    + ranking.model().tasks().stream().map(t -> t.name()).toList() + ")");
        }
        String userFeature = retrieval.spec().query().feature();
        String itemFeature = retrieval.spec().candidate().feature();
        HeadRanker ranker = HeadRanker.of(ranking, tasks.get(0).name(), userFeature, itemFeature);
        List<String> movies = List.of(data.movies().strings(itemFeature));
        Map<String, List<String>> recommendations = new LinkedHashMap<>();
        Map<String, Object> measured = new LinkedHashMap<>();
        try (Inference inference = Backends.get(backend).inference(retrieval, BackendOptions.none())) {
            BruteForceIndex index = new BruteForceIndex(
                    LatestItems.askedWithLatest(retrievalDir, retrieval, inference.queryTower()))
                    .index(movies, inference.candidateTower().embed(movies.toArray(String[]::new)));
            TwoStageRecommender twoStage = new TwoStageRecommender(index, ranker, candidates);
            for (String user : users) {
                TopK top = twoStage.recommend(user, k, Set.of()).ranked();
                recommendations.put(user, top.identifiers());
                out.recommendations(user, "retrieval then ranking", top.identifiers());
            }
            if (evaluate) {
                long seed = seed(ranking, rankerDir);
                if (retrieval.training() != null && retrieval.training().seed() != seed) {
                    out.line("warning: the bundles were trained on splits of different seeds (" + seed + " and "
                            + retrieval.training().seed() + "); the test split is the ranker's");
                }
                Interactions shuffled = data.ratings().shuffle(seed);
                TwoStageEvaluation.Result r = TwoStageEvaluation.evaluate(index, ranker, shuffled.take(80_000),
                        shuffled.skip(80_000).take(20_000), userFeature, itemFeature, RankingModels.RATING,
                        candidates, k);
                out.line(String.format(Locale.ROOT, "NDCG@%d over %d test users, graded by their test ratings"
                        + " (training items left out): retrieval alone %.4f, retrieval's top %d reordered by"
                        + " predicted rating %.4f", k, r.users(), r.retrievalNdcg(), candidates, r.twoStageNdcg()));
                measured.put("users", r.users());
                measured.put("ndcg_at_" + k + "_retrieval", r.retrievalNdcg());
                measured.put("ndcg_at_" + k + "_two_stage", r.twoStageNdcg());
            }
        }
        if (report != null) {
            new Report().put("command", "recommend").put("backend", backend)
                    .put("bundle", retrievalDir.toAbsolutePath().toString())
                    .put("ranker", rankerDir.toAbsolutePath().toString()).put("candidates", candidates)
                    .put("recommendations", recommendations).put("evaluation", measured).write(report);
        }
        return 0;
    }

    private static long seed(ModelBundle ranking, Path dir) {
        if (ranking.training() == null) {
            throw new IllegalArgumentException(dir + " records no training config, so its test split is unknown;"
                    + " --evaluate needs the seed it was split with");
        }
        return ranking.training().seed();
    }
}
