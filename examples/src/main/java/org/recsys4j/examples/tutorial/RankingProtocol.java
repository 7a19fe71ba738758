package org.recsys4j.examples.tutorial;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.recsys4j.data.Interactions;
import org.recsys4j.metrics.RankingEvaluation;
import org.recsys4j.metrics.UserItems;
import org.recsys4j.model.Embeddings;
import org.recsys4j.split.Split;
import org.recsys4j.split.SplitSpec;
import org.recsys4j.split.Splits;
import org.recsys4j.train.RetrievalModel;
import org.recsys4j.vocab.StringLookup;

/**
 * The per-user ranking protocol on MovieLens ratings ({@code user_id}, {@code timestamp} and an
 * item column): the split, each user's training and test items by vocabulary row, and a query per
 * user for a two-tower model.
 */
public final class RankingProtocol {
    private RankingProtocol() {
    }

    /** {@code spec} applied to the ratings' {@code user_id} and {@code timestamp} columns. */
    public static Split split(Interactions ratings, SplitSpec spec, long seed) {
        int[] users = spec.needsUsers() ? Splits.encode(ratings.strings("user_id")) : null;
        long[] time = spec.needsTimestamps() ? Splits.sortable(ratings.numbers("timestamp")) : null;
        return spec.apply(ratings.size(), users, time, seed);
    }

    /**
     * Recall, precision, NDCG, MAP and coverage at 10, 50 and 100 over the items of
     * {@code items}: item code r - 1 is vocabulary row r (the OOV row is no item), the user code is
     * the row in {@code users}.
     */
    public static RankingEvaluation evaluation(Interactions ratings, Split split, StringLookup users,
            StringLookup items, String itemColumn) {
        int[] u = users.lookup(ratings.strings("user_id"));
        int[] i = items.lookup(ratings.strings(itemColumn));
        for (int r = 0; r < i.length; r++) {
            if (i[r] == StringLookup.OOV_INDEX) {
                throw new IllegalArgumentException("rating " + r + ": " + itemColumn + " '"
                        + ratings.strings(itemColumn)[r] + "' is not among the candidates");
            }
            i[r]--;
        }
        int numItems = items.size() - 1;
        return RankingEvaluation.standard(UserItems.of(u, i, split.train(), users.size(), numItems),
                UserItems.of(u, i, split.test(), users.size(), numItems));
    }

    /**
     * For every rating, the item of the same user's latest training rating before it, or the OOV
     * token when there is none ({@link Splits#previousTrainingRow}).
     */
    public static String[] previousTrainingItem(Interactions ratings, Split split, String itemColumn) {
        int[] previous = Splits.previousTrainingRow(Splits.encode(ratings.strings("user_id")),
                Splits.sortable(ratings.numbers("timestamp")), split);
        String[] items = ratings.strings(itemColumn);
        String[] out = new String[previous.length];
        for (int r = 0; r < out.length; r++) {
            out[r] = previous[r] < 0 ? StringLookup.OOV_TOKEN : items[previous[r]];
        }
        return out;
    }

    /** The items as the candidate tower embeds them, in item code order. */
    public static Embeddings candidates(RetrievalModel model, StringLookup items) {
        return model.candidateTower().embed(items.vocabulary().toArray(String[]::new));
    }

    /**
     * One query per evaluated user, in {@link RankingEvaluation#users()} order: the user's id, and
     * for a query tower with context features (a timestamp bucket) the context of the user's
     * earliest test rating, the moment a recommendation would be asked for.
     *
     * @param test the test ratings with the model's context columns
     */
    public static Embeddings queries(RankingEvaluation evaluation, RetrievalModel model, Interactions test,
            StringLookup users) {
        int[] evaluated = evaluation.users();
        int[] rowOf = new int[users.size()];
        Arrays.fill(rowOf, -1);
        String[] ids = test.strings("user_id");
        double[] time = test.numbers("timestamp");
        Map<String, Integer> code = new HashMap<>();
        for (int r = 0; r < ids.length; r++) {
            int u = code.computeIfAbsent(ids[r], users::index);
            if (rowOf[u] < 0 || time[r] < time[rowOf[u]]) {
                rowOf[u] = r;
            }
        }
        int[] rows = new int[evaluated.length];
        for (int k = 0; k < evaluated.length; k++) {
            rows[k] = rowOf[evaluated[k]];
        }
        return model.queryTower().embedIndices(evaluated, model.queryContext(test.select(rows)));
    }
}
