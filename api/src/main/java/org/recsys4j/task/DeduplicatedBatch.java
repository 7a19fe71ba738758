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
    /** How many examples carry each distinct candidate. */
    public final float[] candidateCount;
    /** Each example's sample weight (all ones when the batch has none). */
    public final float[] exampleWeight;

    private DeduplicatedBatch(int[] queryRows, int[] candidateRows, int[] queryOf, int[] candidateOf,
            float[] queryWeight, float[] candidateCount, float[] exampleWeight) {
        this.queryRows = queryRows;
        this.candidateRows = candidateRows;
        this.queryOf = queryOf;
        this.candidateOf = candidateOf;
        this.queryWeight = queryWeight;
        this.candidateCount = candidateCount;
        this.exampleWeight = exampleWeight;
    }

    /**
     * @param queries each example's query row
     * @param candidates each example's candidate row
     * @param weights sample weights, or null for ones
     */
    public static DeduplicatedBatch of(int[] queries, int[] candidates, float[] weights) {
        int n = queries.length;
        if (candidates.length != n || (weights != null && weights.length != n)) {
            throw new IllegalArgumentException("queries, candidates and weights must have one entry per example");
        }
        float[] w = weights != null ? weights : filled(n);
        Unique q = Unique.of(queries);
        Unique c = Unique.of(candidates);
        float[] qw = new float[q.rows.length];
        float[] cc = new float[c.rows.length];
        for (int i = 0; i < n; i++) {
            qw[q.positions[i]] += w[i];
            cc[c.positions[i]] += 1f;
        }
        return new DeduplicatedBatch(q.rows, c.rows, q.positions, c.positions, qw, cc, w);
    }

    /**
     * The same batch without collapsing: one query row and one candidate column per example, all
     * multiplicities one. The plain TFRS formulation, in the same form.
     */
    public static DeduplicatedBatch withoutCollapsing(int[] queries, int[] candidates, float[] weights) {
        int n = queries.length;
        if (candidates.length != n || (weights != null && weights.length != n)) {
            throw new IllegalArgumentException("queries, candidates and weights must have one entry per example");
        }
        float[] w = weights != null ? weights : filled(n);
        int[] identity = new int[n];
        for (int i = 0; i < n; i++) {
            identity[i] = i;
        }
        return new DeduplicatedBatch(queries.clone(), candidates.clone(), identity, identity.clone(), w.clone(),
                filled(n), w);
    }

    /** Collapsed, or one row per example. */
    public static DeduplicatedBatch of(int[] queries, int[] candidates, float[] weights, boolean collapse) {
        return collapse ? of(queries, candidates, weights) : withoutCollapsing(queries, candidates, weights);
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
