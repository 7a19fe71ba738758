package org.recsys4j.metrics;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;
import org.recsys4j.index.Index;
import org.recsys4j.index.TopK;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Tower;

/**
 * TFRS {@code FactorizedTopK}: for each query, is the true candidate among the top k of all
 * candidates? Scores are dot products against every candidate; a query is a hit at k when fewer
 * than k candidates score strictly higher than its positive, which is how
 * {@code tf.math.in_top_k} counts ties: a positive tied at the boundary is in.
 *
 * <p>Candidates are given as raw values and embedded with the candidate tower at each update, as
 * TFRS's streaming candidates are, so training-time metrics use the current weights.
 *
 * <p>With an {@link Index} as candidates (an approximate one, typically), the metric works by
 * identifier, as TFRS's does for inexact indexes: each query's top k come from the index, and a
 * query is a hit at k when its true candidate's identifier is among the first k returned. Scores
 * play no part, so ties are broken the index's way; the index must hold the candidates as of the
 * weights being evaluated.
 */
public final class FactorizedTopK implements Metric {
    public static final int[] DEFAULT_KS = {1, 5, 10, 50, 100};

    private final String[] candidates;
    private final Index index;
    private final int[] ks;
    private final int maxK;
    private final long[] hits;
    private final long[] tieRobustHits;
    private boolean tieRobust;
    private long count;

    /** The score-based metric over {@code candidates}' raw values, at each of {@code ks}. */
    public FactorizedTopK(List<String> candidates, int... ks) {
        this(candidates.toArray(String[]::new), null, ks);
    }

    /** The id-based metric over the candidates {@code index} holds. */
    public FactorizedTopK(Index index, int... ks) {
        this(null, Objects.requireNonNull(index, "index"), ks);
    }

    private FactorizedTopK(String[] candidates, Index index, int[] ks) {
        if (candidates != null ? candidates.length == 0 : index.size() == 0) {
            throw new IllegalArgumentException("FactorizedTopK needs at least one candidate");
        }
        this.candidates = candidates;
        this.index = index;
        this.ks = (ks.length == 0 ? DEFAULT_KS : ks).clone();
        Arrays.sort(this.ks);
        if (this.ks[0] < 1) {
            throw new IllegalArgumentException("k must be positive: " + Arrays.toString(ks));
        }
        this.maxK = this.ks[this.ks.length - 1];
        this.hits = new long[this.ks.length];
        this.tieRobustHits = new long[this.ks.length];
    }

    /** The candidates as raw values; empty for the id-based metric, whose candidates are its index's. */
    public List<String> candidates() {
        return candidates == null ? List.of() : List.of(candidates);
    }

    /** Whether this metric matches identifiers returned by an index rather than comparing scores. */
    public boolean idBased() {
        return index != null;
    }

    /**
     * Also reports the tie-robust variant: candidates scoring the same as the positive count
     * against it (all but one, the positive itself among the candidates). A model whose scores all
     * tie gets 1.0 under {@code in_top_k} counting and 0 here.
     */
    public FactorizedTopK reportTieRobust() {
        this.tieRobust = true;
        return this;
    }

    /** The result's key for the tie-robust variant at {@code k}. */
    public static String tieRobustName(int k) {
        return "factorized_top_k/top_" + k + "_tie_robust_accuracy";
    }

    /** The result's key at {@code k}, as TFRS names it. */
    public static String metricName(int k) {
        return "factorized_top_k/top_" + k + "_categorical_accuracy";
    }

    @Override
    public void reset() {
        Arrays.fill(hits, 0);
        Arrays.fill(tieRobustHits, 0);
        count = 0;
    }

    @Override
    public void update(Embeddings queries, Embeddings positives, Tower candidateTower) {
        if (index != null) {
            throw new IllegalStateException("an id-based FactorizedTopK needs the true candidates' identifiers;"
                    + " call update(queries, trueCandidateIds)");
        }
        update(queries, positives, candidateTower.embed(candidates));
    }

    @Override
    public void update(Embeddings queries, Embeddings positives, Tower candidateTower, List<String> positiveIds) {
        if (index != null) {
            update(queries, positiveIds);
        } else {
            update(queries, positives, candidateTower);
        }
    }

    /**
     * Adds a batch to the id-based metric: query i is a hit at k when {@code trueCandidateIds.get(i)}
     * is among the first k identifiers the index returns for it.
     */
    public void update(Embeddings queries, List<String> trueCandidateIds) {
        if (index == null) {
            throw new IllegalStateException("this FactorizedTopK compares scores; build it with an Index to match"
                    + " identifiers");
        }
        if (trueCandidateIds.size() != queries.rows()) {
            throw new IllegalArgumentException(queries.rows() + " queries but " + trueCandidateIds.size()
                    + " true candidate identifiers");
        }
        List<TopK> retrieved = index.search(queries, maxK);
        for (int i = 0; i < retrieved.size(); i++) {
            int rank = retrieved.get(i).identifiers().indexOf(trueCandidateIds.get(i));
            for (int j = 0; j < ks.length; j++) {
                if (rank >= 0 && rank < ks[j]) {
                    hits[j]++;
                }
            }
        }
        count += retrieved.size();
    }

    /** Adds a batch scored against already-computed candidate embeddings. */
    public void update(Embeddings queries, Embeddings positives, Embeddings candidateEmbeddings) {
        if (index != null) {
            throw new IllegalStateException("an id-based FactorizedTopK takes identifiers, not scores");
        }
        int[][] ranks = countRanks(queries, positives, candidateEmbeddings, maxK);
        for (int q = 0; q < ranks[0].length; q++) {
            int higher = ranks[0][q];
            int againstTies = higher + Math.max(0, ranks[1][q] - 1);
            for (int i = 0; i < ks.length; i++) {
                if (higher < ks[i]) {
                    hits[i]++;
                }
                if (againstTies < ks[i]) {
                    tieRobustHits[i]++;
                }
            }
        }
        count += ranks[0].length;
    }

    /**
     * For each query, how many candidates score strictly higher than its positive, counted up to
     * {@code cap} (a query stops scanning once it is out of every top k).
     */
    public static int[] countHigher(Embeddings queries, Embeddings positives, Embeddings candidates, int cap) {
        return countRanks(queries, positives, candidates, cap)[0];
    }

    /**
     * For each query: [0] how many candidates score strictly higher than its positive, and [1] how
     * many score exactly the same, both counted until the first reaches {@code cap}.
     */
    static int[][] countRanks(Embeddings queries, Embeddings positives, Embeddings candidates, int cap) {
        int n = queries.rows();
        int d = queries.dim();
        if (positives.rows() != n || positives.dim() != d || candidates.dim() != d) {
            throw new IllegalArgumentException("shapes do not match: queries " + queries + ", positives " + positives
                    + ", candidates " + candidates);
        }
        float[] q = queries.data();
        float[] p = positives.data();
        float[] c = candidates.data();
        int m = candidates.rows();
        int[] higher = new int[n];
        int[] equal = new int[n];
        IntStream.range(0, n).parallel().forEach(i -> {
            float positive = Scores.dot(q, i * d, p, i * d, d);
            int h = 0;
            int e = 0;
            for (int j = 0; j < m && h < cap; j++) {
                float score = Scores.dot(q, i * d, c, j * d, d);
                if (score > positive) {
                    h++;
                } else if (score == positive) {
                    e++;
                }
            }
            higher[i] = h;
            equal[i] = e;
        });
        return new int[][] {higher, equal};
    }

    @Override
    public Map<String, Double> result() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < ks.length; i++) {
            out.put(metricName(ks[i]), count == 0 ? 0.0 : (double) hits[i] / count);
        }
        if (tieRobust) {
            for (int i = 0; i < ks.length; i++) {
                out.put(tieRobustName(ks[i]), count == 0 ? 0.0 : (double) tieRobustHits[i] / count);
            }
        }
        return out;
    }
}
