package org.recsys4j.examples.tutorial;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.recsys4j.data.Interactions;
import org.recsys4j.index.Index;
import org.recsys4j.metrics.GradedNdcg;
import org.recsys4j.ranking.Ranker;
import org.recsys4j.ranking.TwoStageRecommender;

/**
 * Does ranking help? For every user of the test set: the retrieval index's top k alone, against
 * its top {@code candidates} reordered by the ranker's predicted rating and cut to k; each list's
 * NDCG at k graded by the user's test ratings ({@link GradedNdcg}), averaged over users. Both lists
 * leave out the user's training items, as a served recommendation does.
 */
public final class TwoStageEvaluation {
    /** Mean NDCG at k over {@code users}, for the retrieval alone and for retrieval then ranking. */
    public record Result(int users, int candidates, int k, double retrievalNdcg, double twoStageNdcg) {
    }

    private TwoStageEvaluation() {
    }

    public static Result evaluate(Index retrieval, Ranker ranker, Interactions train, Interactions test,
            String userFeature, String itemFeature, String label, int candidates, int k) {
        Map<String, Set<String>> seen = new HashMap<>();
        String[] trainUsers = train.strings(userFeature);
        String[] trainItems = train.strings(itemFeature);
        for (int i = 0; i < trainUsers.length; i++) {
            seen.computeIfAbsent(trainUsers[i], u -> new HashSet<>()).add(trainItems[i]);
        }
        Map<String, Map<String, Double>> gains = new LinkedHashMap<>();
        String[] users = test.strings(userFeature);
        String[] items = test.strings(itemFeature);
        double[] ratings = test.numbers(label);
        for (int i = 0; i < users.length; i++) {
            // two movies may share a title: the title's gain is the better rating
            gains.computeIfAbsent(users[i], u -> new HashMap<>()).merge(items[i], ratings[i], Math::max);
        }
        TwoStageRecommender twoStage = new TwoStageRecommender(retrieval, ranker, candidates);
        double retrievalSum = 0;
        double twoStageSum = 0;
        for (var e : gains.entrySet()) {
            Set<String> exclusions = seen.getOrDefault(e.getKey(), Set.of());
            TwoStageRecommender.Result r = twoStage.recommend(e.getKey(), k, exclusions);
            retrievalSum += GradedNdcg.at(r.retrieved().identifiers(), e.getValue(), k);
            twoStageSum += GradedNdcg.at(r.ranked().identifiers(), e.getValue(), k);
        }
        int n = gains.size();
        return new Result(n, candidates, k, retrievalSum / n, twoStageSum / n);
    }
}
