package org.recsys4j.baseline;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.recsys4j.data.CategoricalColumn;
import org.recsys4j.data.Interactions;
import org.recsys4j.metrics.FactorizedTopK;
import org.recsys4j.metrics.ItemScorer;
import org.recsys4j.metrics.ServedTopK;
import org.recsys4j.metrics.UserItems;
import org.recsys4j.model.Embeddings;

/**
 * The most-popular recommender: every user gets the candidates most often seen in training. It
 * is evaluated with the same FactorizedTopK as the models, so the two can be compared: each
 * candidate's "embedding" is its training count and every query's is 1, so the score of a
 * candidate is its popularity.
 */
public final class PopularityBaseline {
    private PopularityBaseline() {
    }

    /**
     * FactorizedTopK (with its tie-robust variant) of the popularity ranking on {@code test}.
     *
     * @param candidates every candidate, as the model's metric sees them (e.g. all 1,682 titles)
     * @param feature the candidate feature, e.g. {@code movie_title}
     */
    public static Map<String, Double> evaluate(Interactions train, Interactions test, List<String> candidates,
            String feature, int... ks) {
        Scored s = score(train, test, candidates, feature);
        FactorizedTopK metric = new FactorizedTopK(candidates, ks).reportTieRobust();
        metric.update(s.queries, s.positives, s.candidates);
        return metric.result();
    }

    /**
     * {@link ServedTopK} of the popularity ranking: each user gets the most popular candidates they
     * did not rate in {@code train}.
     */
    public static Map<String, Double> evaluateServed(Interactions train, Interactions test, List<String> candidates,
            String queryFeature, String candidateFeature, int... ks) {
        Scored s = score(train, test, candidates, candidateFeature);
        return new ServedTopK(train, queryFeature, candidateFeature, candidates, ks)
                .evaluate(test, s.queries, s.positives, s.candidates);
    }

    /**
     * The popularity ranking for the per-user ranking metrics ({@code RankingEvaluation}): every
     * user's score of an item is how many users have it in training.
     */
    public static ItemScorer scorer(UserItems train) {
        int[] counts = train.itemCounts();
        return (user, out) -> {
            for (int j = 0; j < out.length; j++) {
                out[j] = counts[j];
            }
        };
    }

    private record Scored(Embeddings queries, Embeddings positives, Embeddings candidates) {
    }

    /**
     * Counts by dictionary code, then one lookup per distinct value: no string per row (the decoded
     * columns of a 25M-row table are 100 MB of references each, kept by the table once made).
     */
    private static Scored score(Interactions train, Interactions test, List<String> candidates, String feature) {
        CategoricalColumn trained = train.categorical(feature);
        int[] byCode = new int[trained.dictionary().length];
        for (int code : trained.codes()) {
            byCode[code]++;
        }
        Map<String, Integer> counts = new HashMap<>();
        for (int code = 0; code < byCode.length; code++) {
            if (byCode[code] > 0) {
                counts.merge(trained.dictionary()[code], byCode[code], Integer::sum);
            }
        }
        float[] candidateScores = new float[candidates.size()];
        for (int j = 0; j < candidateScores.length; j++) {
            candidateScores[j] = counts.getOrDefault(candidates.get(j), 0);
        }
        CategoricalColumn tested = test.categorical(feature);
        float[] scoreOfCode = new float[tested.dictionary().length];
        for (int code = 0; code < scoreOfCode.length; code++) {
            scoreOfCode[code] = counts.getOrDefault(tested.dictionary()[code], 0);
        }
        int[] positives = tested.codes();
        float[] ones = new float[positives.length];
        float[] positiveScores = new float[positives.length];
        for (int i = 0; i < positives.length; i++) {
            ones[i] = 1f;
            positiveScores[i] = scoreOfCode[positives[i]];
        }
        return new Scored(new Embeddings(ones, ones.length, 1), new Embeddings(positiveScores, ones.length, 1),
                new Embeddings(candidateScores, candidateScores.length, 1));
    }
}
