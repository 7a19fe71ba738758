package org.recsys4j.task;

import java.util.Arrays;

/**
 * A batch with its repeated query rows and repeated candidate rows collapsed, for towers whose
 * output is a function of one vocabulary row (every tower a {@code TowerSpec} declares).
 *
 * <p>The in-batch softmax loss is unchanged by collapsing. With {@code m_c} the number of
 * examples whose candidate is c, {@code W_u} the summed sample weight of the examples whose query
 * is u, and {@code S = Q C^T / T} over the unique rows:
 *
 * <pre>
 *   loss = sum_u W_u log(sum_c m_c exp(S_uc)) - sum_i w_i S(u_i, c_i)
 *   dloss/dS_uc = W_u softmax_c(S_u + log m)_c - N_uc,   N_uc = sum of w_i over examples (u, c)
 * </pre>
 *
 * so a batch of 8192 MovieLens ratings (about 900 users and 1200 titles) costs a 900 x 1200
 * score matrix instead of 8192 x 8192, with the same loss and gradients.
 */
public final class DeduplicatedBatch {
    /** Distinct query rows, in order of first appearance. */
    public final int[] queryRows;
    /** Distinct candidate rows, in order of first appearance. */
    public final int[] candidateRows;
    /** For each example, the position of its query in {@link #queryRows}. */
    public final int[] queryOf;
    /** For each example, the position of its candidate in {@link #candidateRows}. */
    public final int[] candidateOf;
    /** Summed sample weight per distinct query. */
    public final float[] queryWeight;
    /** How many examples carry each distinct query. */
    public final float[] queryCount;
    /** How many examples carry each distinct candidate. */
    public final float[] candidateCount;
    /** Each example's sample weight (all ones when the batch has none). */
    public final float[] exampleWeight;
    /**
     * Per distinct candidate, the log of its sampling probability (all zeros without the logQ
     * correction): its column's logits are lowered by it, as TFRS's correction does.
     */
    public final float[] candidateLogProbability;
    /** sum_i w_i log p(c_i): the correction's share of the positives' logits, a constant of the batch. */
    public final double positiveLogProbability;

    private DeduplicatedBatch(int[] queryRows, int[] candidateRows, int[] queryOf, int[] candidateOf,
            float[] queryWeight, float[] queryCount, float[] candidateCount, float[] exampleWeight,
            float[] candidateLogProbability, double positiveLogProbability) {
        this.queryRows = queryRows;
        this.candidateRows = candidateRows;
        this.queryOf = queryOf;
        this.candidateOf = candidateOf;
        this.queryWeight = queryWeight;
        this.queryCount = queryCount;
        this.candidateCount = candidateCount;
        this.exampleWeight = exampleWeight;
        this.candidateLogProbability = candidateLogProbability;
        this.positiveLogProbability = positiveLogProbability;
    }

    /**
     * @param queries each example's query row
     * @param candidates each example's candidate row
     * @param weights sample weights, or null for ones
     */
    public static DeduplicatedBatch of(int[] queries, int[] candidates, float[] weights) {
        return of(queries, candidates, weights, null);
    }

    /** As {@link #of(int[], int[], float[])}, with each example's candidate sampling probability (or null). */
    public static DeduplicatedBatch of(int[] queries, int[] candidates, float[] weights, float[] probability) {
        int n = queries.length;
        if (candidates.length != n || (weights != null && weights.length != n)) {
            throw new IllegalArgumentException("queries, candidates and weights must have one entry per example");
        }
        float[] w = weights != null ? weights : filled(n);
        Unique q = Unique.of(queries);
        Unique c = Unique.of(candidates);
        float[] qw = new float[q.rows.length];
        float[] qc = new float[q.rows.length];
        float[] cc = new float[c.rows.length];
        for (int i = 0; i < n; i++) {
            qw[q.positions[i]] += w[i];
            qc[q.positions[i]] += 1f;
            cc[c.positions[i]] += 1f;
        }
        float[] logP = new float[c.rows.length];
        double positive = 0;
        if (probability != null) {
            float[] p = new float[c.rows.length];
            for (int i = 0; i < n; i++) {
                int col = c.positions[i];
                if (p[col] != 0 && p[col] != probability[i]) {
                    throw new IllegalArgumentException("candidate row " + candidates[i] + " has two sampling"
                            + " probabilities in one batch (" + p[col] + " and " + probability[i]
                            + "); collapsing needs one per candidate: use collapse=false");
                }
                p[col] = probability[i];
                positive += w[i] * Math.log(probability[i]);
            }
            for (int col = 0; col < p.length; col++) {
                logP[col] = (float) Math.log(p[col]);
            }
        }
        return new DeduplicatedBatch(q.rows, c.rows, q.positions, c.positions, qw, qc, cc, w, logP, positive);
    }

    /**
     * The same batch without collapsing: one query row and one candidate column per example, all
     * multiplicities one. The plain TFRS formulation, in the same form.
     */
    public static DeduplicatedBatch withoutCollapsing(int[] queries, int[] candidates, float[] weights) {
        return withoutCollapsing(queries, candidates, weights, null);
    }

    /** As {@link #withoutCollapsing(int[], int[], float[])}, with sampling probabilities (or null). */
    public static DeduplicatedBatch withoutCollapsing(int[] queries, int[] candidates, float[] weights,
            float[] probability) {
        int n = queries.length;
        if (candidates.length != n || (weights != null && weights.length != n)) {
            throw new IllegalArgumentException("queries, candidates and weights must have one entry per example");
        }
        float[] w = weights != null ? weights : filled(n);
        int[] identity = new int[n];
        for (int i = 0; i < n; i++) {
            identity[i] = i;
        }
        float[] logP = new float[n];
        double positive = 0;
        if (probability != null) {
            for (int i = 0; i < n; i++) {
                logP[i] = (float) Math.log(probability[i]);
                positive += w[i] * Math.log(probability[i]);
            }
        }
        return new DeduplicatedBatch(queries.clone(), candidates.clone(), identity, identity.clone(), w.clone(),
                filled(n), filled(n), w, logP, positive);
    }

    /** The batch's rows collapsed, or one row per example. */
    public static DeduplicatedBatch of(org.recsys4j.spi.FeatureBatch batch, String queryFeature,
            String candidateFeature, boolean collapse) {
        int[] q = batch.feature(queryFeature);
        int[] c = batch.feature(candidateFeature);
        return collapse ? of(q, c, batch.sampleWeights(), batch.candidateSamplingProbability())
                : withoutCollapsing(q, c, batch.sampleWeights(), batch.candidateSamplingProbability());
    }

    public int size() {
        return queryOf.length;
    }

    private static float[] filled(int n) {
        float[] w = new float[n];
        Arrays.fill(w, 1f);
        return w;
    }

    /** Distinct values in order of first appearance, and each element's position among them. */
    private record Unique(int[] rows, int[] positions) {
        static Unique of(int[] values) {
            int max = 0;
            for (int v : values) {
                if (v < 0) {
                    throw new IllegalArgumentException("negative row " + v);
                }
                max = Math.max(max, v);
            }
            int[] slot = new int[max + 1];
            Arrays.fill(slot, -1);
            int[] rows = new int[values.length];
            int[] positions = new int[values.length];
            int distinct = 0;
            for (int i = 0; i < values.length; i++) {
                int v = values[i];
                if (slot[v] < 0) {
                    slot[v] = distinct;
                    rows[distinct++] = v;
                }
                positions[i] = slot[v];
            }
            return new Unique(Arrays.copyOf(rows, distinct), positions);
        }
    }
}
