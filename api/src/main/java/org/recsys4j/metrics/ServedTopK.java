package org.recsys4j.metrics;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.recsys4j.data.Interactions;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Tower;

/**
 * FactorizedTopK as a deployed index serves it: each query's own training candidates are left out
 * of the ranking. A recommender does not offer a user what they already rated, yet over all
 * candidates those titles, which a trained model scores high, outrank the held-out one and hide
 * how well the model ranks what it would actually show.
 *
 * <p>An example (query, positive) is a hit at k when fewer than k of the remaining candidates score
 * at least as high as the positive. Ties count against it, as in FactorizedTopK's tie-robust
 * variant, so a constant scorer gets nothing. Only the positive's competitors are filtered: a
 * positive that is also among the query's training candidates (a rating repeated across the
 * split) is still ranked. Candidates are matched by value, so every copy of a value listed twice
 * (MovieLens has a few titles twice) is the positive, or left out, together.
 */
public final class ServedTopK {
    private static final int BATCH = 4096;
    private static final BitSet NOTHING = new BitSet();

    private final String queryFeature;
    private final String candidateFeature;
    private final String[] candidates;
    private final Map<String, Integer> valueIds = new HashMap<>();
    private final int[] slotIds;
    private final Map<String, BitSet> trained = new HashMap<>();
    private final int[] ks;

    /**
     * @param train the interactions whose candidates each query is not served again
     * @param candidates every candidate, as FactorizedTopK sees them
     */
    public ServedTopK(Interactions train, String queryFeature, String candidateFeature, List<String> candidates,
            int... ks) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("ServedTopK needs at least one candidate");
        }
        this.queryFeature = queryFeature;
        this.candidateFeature = candidateFeature;
        this.candidates = candidates.toArray(String[]::new);
        this.ks = (ks.length == 0 ? FactorizedTopK.DEFAULT_KS : ks).clone();
        Arrays.sort(this.ks);
        if (this.ks[0] < 1) {
            throw new IllegalArgumentException("k must be positive: " + Arrays.toString(ks));
        }
        slotIds = new int[this.candidates.length];
        for (int j = 0; j < slotIds.length; j++) {
            Integer id = valueIds.get(this.candidates[j]);
            if (id == null) {
                id = valueIds.size();
                valueIds.put(this.candidates[j], id);
            }
            slotIds[j] = id;
        }
        String[] queries = train.strings(queryFeature);
        String[] items = train.strings(candidateFeature);
        for (int i = 0; i < queries.length; i++) {
            Integer id = valueIds.get(items[i]);
            if (id != null) {
                trained.computeIfAbsent(queries[i], q -> new BitSet()).set(id);
            }
        }
    }

    /** The result's key for {@code k}, {@code factorized_top_k/top_k_served_accuracy}. */
    public static String metricName(int k) {
        return "factorized_top_k/top_" + k + "_served_accuracy";
    }

    /** The served view of the towers' scores on {@code test}. */
    public Map<String, Double> evaluate(Tower queryTower, Tower candidateTower, Interactions test) {
        if (!queryTower.feature().equals(queryFeature) || !candidateTower.feature().equals(candidateFeature)) {
            throw new IllegalArgumentException("the towers read " + queryTower.feature() + " and "
                    + candidateTower.feature() + ", this metric " + queryFeature + " and " + candidateFeature);
        }
        Embeddings all = candidateTower.embed(candidates);
        String[] queries = test.strings(queryFeature);
        String[] positives = test.strings(candidateFeature);
        long[] hits = new long[ks.length];
        for (int from = 0; from < test.size(); from += BATCH) {
            int to = Math.min(test.size(), from + BATCH);
            String[] q = Arrays.copyOfRange(queries, from, to);
            String[] p = Arrays.copyOfRange(positives, from, to);
            count(q, p, queryTower.embed(q), candidateTower.embed(p), all, hits);
        }
        return result(hits, test.size());
    }

    /**
     * The served view of precomputed scores, for scorers that are not towers: row i of
     * {@code queries} and {@code positives} is example i of {@code test}, and row j of
     * {@code candidateEmbeddings} is candidate j.
     */
    public Map<String, Double> evaluate(Interactions test, Embeddings queries, Embeddings positives,
            Embeddings candidateEmbeddings) {
        long[] hits = new long[ks.length];
        count(test.strings(queryFeature), test.strings(candidateFeature), queries, positives, candidateEmbeddings,
                hits);
        return result(hits, test.size());
    }

    private void count(String[] queryIds, String[] positiveIds, Embeddings queries, Embeddings positives,
            Embeddings candidateEmbeddings, long[] hits) {
        int n = queryIds.length;
        int d = queries.dim();
        int m = candidates.length;
        if (queries.rows() != n || positives.rows() != n || positives.dim() != d || candidateEmbeddings.rows() != m
                || candidateEmbeddings.dim() != d) {
            throw new IllegalArgumentException(
                    "shapes do not match " + n + " examples and " + m + " candidates: queries "
                    + queries + ", positives " + positives + ", candidates " + candidateEmbeddings);
        }
        float[] q = queries.data();
        float[] p = positives.data();
        float[] c = candidateEmbeddings.data();
        int cap = ks[ks.length - 1];
        int[] ahead = new int[n];
        IntStream.range(0, n).parallel().forEach(i -> {
            BitSet skip = trained.getOrDefault(queryIds[i], NOTHING);
            int positive = valueIds.getOrDefault(positiveIds[i], -1);
            float score = Scores.dot(q, i * d, p, i * d, d);
            int a = 0;
            for (int j = 0; j < m && a < cap; j++) {
                int id = slotIds[j];
                if (id != positive && !skip.get(id) && Scores.dot(q, i * d, c, j * d, d) >= score) {
                    a++;
                }
            }
            ahead[i] = a;
        });
        for (int a : ahead) {
            for (int k = 0; k < ks.length; k++) {
                if (a < ks[k]) {
                    hits[k]++;
                }
            }
        }
    }

    private Map<String, Double> result(long[] hits, int count) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int k = 0; k < ks.length; k++) {
            out.put(metricName(ks[k]), count == 0 ? 0.0 : (double) hits[k] / count);
        }
        return out;
    }
}
