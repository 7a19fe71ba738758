package org.recsys4j.task;

import java.util.Arrays;
import org.recsys4j.spi.FeatureBatch;

/**
 * A batch in the form every trainer computes the in-batch softmax from: query rows, candidate
 * columns with a weight each, and the examples as (row, column) pairs. Collapsed, repeated query
 * rows and repeated candidate rows become one row or column each, for towers whose output is a
 * function of one vocabulary row (every tower a {@code TowerSpec} declares); plain, every example
 * has its own row and column, as in TFRS.
 *
 * <p>The loss is unchanged by collapsing. A column's weight {@code m_c} sums its occurrences, each
 * counting 1, or {@code 1/p} under the logQ correction (which lowers a column's logits by
 * {@code log p}). With {@code S = Q C^T / T} and example i = (u, c) of weight {@code w_i}:
 *
 * <pre>
 *   loss = sum_i w_i (log Z_i - S_uc + log p_i),    Z_i = sum_c' m_c' exp(S_uc') - o_i exp(S_uc)
 * </pre>
 *
 * where {@code o_i} is zero, or with accidental hits removed the weight of the other occurrences
 * of the example's own candidate. Without removal {@code Z_i} depends on the row only, so a batch
 * of 8192 MovieLens ratings (about 900 users and 1200 titles) costs a 900 x 1200 score matrix
 * instead of 8192 x 8192. Extra negatives are further occurrences: more weight on a column, or
 * new columns.
 */
public final class DeduplicatedBatch {
    /**
     * Query rows, in order of first appearance. With context features a query is its row and its
     * context together, so a row may appear once per distinct context.
     */
    public final int[] queryRows;
    /** Per context feature of the query tower, its value for each query row (empty without context). */
    public final java.util.Map<String, int[]> queryContext;
    /** Candidate rows of the columns: the batch's candidates, then extra negatives not already a column. */
    public final int[] candidateRows;
    /** For each example, the position of its query in {@link #queryRows}. */
    public final int[] queryOf;
    /** For each example, the position of its candidate in {@link #candidateRows}. */
    public final int[] candidateOf;
    /** Summed sample weight per query row. */
    public final float[] queryWeight;
    /** How many examples carry each query row. */
    public final float[] queryCount;
    /** How many examples carry each column's candidate as their positive (0 for an extra negative). */
    public final float[] candidateCount;
    /** Each example's sample weight (all ones when the batch has none). */
    public final float[] exampleWeight;
    /** log m_c per column: log of its occurrences' summed weight, 1 or 1/p each. */
    public final float[] columnLogWeight;
    /**
     * Per example, the summed weight of the occurrences of its own candidate other than itself:
     * what removing accidental hits takes out of its softmax.
     */
    public final float[] accidentalHitWeight;
    /** sum_i w_i log p(c_i): the correction's share of the positives' logits, a constant of the batch. */
    public final double positiveLogProbability;

    private DeduplicatedBatch(
            int[] queryRows, java.util.Map<String, int[]> queryContext, int[] candidateRows,
            int[] queryOf, int[] candidateOf,
            float[] queryWeight, float[] queryCount, float[] candidateCount, float[] exampleWeight,
            float[] columnLogWeight, float[] accidentalHitWeight, double positiveLogProbability) {
        this.queryRows = queryRows;
        this.queryContext = queryContext;
        this.candidateRows = candidateRows;
        this.queryOf = queryOf;
        this.candidateOf = candidateOf;
        this.queryWeight = queryWeight;
        this.queryCount = queryCount;
        this.candidateCount = candidateCount;
        this.exampleWeight = exampleWeight;
        this.columnLogWeight = columnLogWeight;
        this.accidentalHitWeight = accidentalHitWeight;
        this.positiveLogProbability = positiveLogProbability;
    }

    /**
     * @param queries each example's query row
     * @param candidates each example's candidate row
     * @param weights sample weights, or null for ones
     */
    public static DeduplicatedBatch of(int[] queries, int[] candidates, float[] weights) {
        return build(queries, java.util.Map.of(), candidates, weights, null, null, null, true);
    }

    /** As {@link #of(int[], int[], float[])}, with each example's candidate sampling probability (or null). */
    public static DeduplicatedBatch of(int[] queries, int[] candidates, float[] weights, float[] probability) {
        return build(queries, java.util.Map.of(), candidates, weights, probability, null, null, true);
    }

    /**
     * The same batch without collapsing: one query row and one candidate column per example (and
     * per extra negative), all multiplicities one. The plain TFRS formulation, in the same form.
     */
    public static DeduplicatedBatch withoutCollapsing(int[] queries, int[] candidates, float[] weights) {
        return build(queries, java.util.Map.of(), candidates, weights, null, null, null, false);
    }

    /** As {@link #withoutCollapsing(int[], int[], float[])}, with sampling probabilities (or null). */
    public static DeduplicatedBatch withoutCollapsing(int[] queries, int[] candidates, float[] weights,
            float[] probability) {
        return build(queries, java.util.Map.of(), candidates, weights, probability, null, null, false);
    }

    /** The batch's rows collapsed, or one row per example, with its extra negatives. */
    public static DeduplicatedBatch of(FeatureBatch batch, String queryFeature, String candidateFeature,
            boolean collapse) {
        return build(batch.feature(queryFeature), java.util.Map.of(), batch.feature(candidateFeature),
                batch.sampleWeights(), batch.candidateSamplingProbability(), batch.extraCandidates(),
                batch.extraCandidateProbability(), collapse);
    }

    /** As above, for the towers of a spec: a query tower's context features become part of its rows. */
    public static DeduplicatedBatch of(FeatureBatch batch, org.recsys4j.spec.RetrievalSpec spec, boolean collapse) {
        return build(batch.feature(spec.query().feature()),
                org.recsys4j.model.TowerInputs.context(spec.query(), batch.features()),
                batch.feature(spec.candidate().feature()), batch.sampleWeights(),
                batch.candidateSamplingProbability(), batch.extraCandidates(), batch.extraCandidateProbability(),
                collapse);
    }

    private static DeduplicatedBatch build(int[] queries, java.util.Map<String, int[]> context, int[] candidates,
            float[] weights, float[] probability, int[] extras, float[] extraProbability, boolean collapse) {
        int n = queries.length;
        if (candidates.length != n || (weights != null && weights.length != n)
                || (probability != null && probability.length != n)) {
            throw new IllegalArgumentException("queries, candidates, weights and probabilities must have one entry"
                    + " per example");
        }
        int[] extra = extras == null ? new int[0] : extras;
        float[] w = weights != null ? weights : filled(n, 1f);
        Unique q = collapse ? Unique.of(context.isEmpty() ? queries : keys(queries, context))
                : Unique.identity(queries);
        int[] queryRows = q.rows;
        java.util.Map<String, int[]> queryContext = new java.util.LinkedHashMap<>();
        if (!context.isEmpty()) {
            // distinct (row, context) keys back to their rows and context values, via a first example of each
            int[] first = new int[q.rows.length];
            java.util.Arrays.fill(first, -1);
            for (int i = 0; i < n; i++) {
                if (first[q.positions[i]] < 0) {
                    first[q.positions[i]] = i;
                }
            }
            queryRows = new int[first.length];
            for (int k = 0; k < first.length; k++) {
                queryRows[k] = queries[first[k]];
            }
            for (var e : context.entrySet()) {
                int[] values = new int[first.length];
                for (int k = 0; k < first.length; k++) {
                    values[k] = e.getValue()[first[k]];
                }
                queryContext.put(e.getKey(), values);
            }
        }
        int[] allCandidates = Arrays.copyOf(candidates, n + extra.length);
        System.arraycopy(extra, 0, allCandidates, n, extra.length);
        Unique c = collapse ? Unique.of(allCandidates) : Unique.identity(allCandidates);
        int columns = c.rows.length;
        float[] qw = new float[q.rows.length];
        float[] qc = new float[q.rows.length];
        float[] cc = new float[columns];
        // every occurrence's weight summed by candidate row: a collapsed column's weight, and what
        // removing accidental hits takes from an example (its row's sum less its own weight)
        double[] byRow = new double[max(allCandidates) + 1];
        for (int i = 0; i < allCandidates.length; i++) {
            byRow[allCandidates[i]] += occurrenceWeight(i < n ? probability : extraProbability, i < n ? i : i - n);
        }
        double[] columnWeight = new double[columns];
        for (int j = 0; j < columns; j++) {
            columnWeight[j] = collapse ? byRow[c.rows[j]]
                    : occurrenceWeight(j < n ? probability : extraProbability, j < n ? j : j - n);
        }
        float[] accidentalHits = new float[n];
        for (int i = 0; i < n; i++) {
            accidentalHits[i] = (float) (byRow[allCandidates[i]] - occurrenceWeight(probability, i));
        }
        double positive = 0;
        for (int i = 0; i < n; i++) {
            qw[q.positions[i]] += w[i];
            qc[q.positions[i]] += 1f;
            cc[c.positions[i]] += 1f;
            if (probability != null) {
                positive += w[i] * Math.log(probability[i]);
            }
        }
        float[] logWeight = new float[columns];
        for (int j = 0; j < columns; j++) {
            logWeight[j] = (float) Math.log(columnWeight[j]);
        }
        return new DeduplicatedBatch(
                queryRows, queryContext, c.rows, Arrays.copyOf(q.positions, n), Arrays.copyOf(c.positions, n),
                qw, qc, cc, w.clone(), logWeight, accidentalHits, positive);
    }

    private static double occurrenceWeight(float[] probability, int i) {
        return probability == null ? 1.0 : 1.0 / probability[i];
    }

    /**
     * Each example's (row, context values) as a dense key: equal keys, equal tower inputs. A
     * numeric feature's value is its float bits ({@code TowerInputs.encodeNumeric}), so equal bits
     * are one query and any other value another.
     */
    private static int[] keys(int[] rows, java.util.Map<String, int[]> context) {
        if (context.size() == 1) {
            return keys(rows, context.values().iterator().next());
        }
        java.util.Map<java.util.List<Integer>, Integer> ids = new java.util.HashMap<>();
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            java.util.List<Integer> key = new java.util.ArrayList<>(context.size() + 1);
            key.add(rows[i]);
            for (int[] values : context.values()) {
                key.add(values[i]);
            }
            Integer id = ids.putIfAbsent(key, ids.size());
            out[i] = id == null ? ids.size() - 1 : id;
        }
        return out;
    }

    /**
     * The one-context-feature case (a timestamp bucket) without boxing, as it runs every step:
     * (row, value) packed into a long, in an open-addressing table of twice the batch.
     */
    private static int[] keys(int[] rows, int[] values) {
        int capacity = Integer.highestOneBit(Math.max(2, rows.length) * 2 - 1) << 1;
        long[] table = new long[capacity];
        int[] ids = new int[capacity];
        java.util.Arrays.fill(ids, -1);
        int[] out = new int[rows.length];
        int next = 0;
        for (int i = 0; i < rows.length; i++) {
            long key = ((long) rows[i] << 32) | (values[i] & 0xffffffffL);
            int slot = mix(key) & (capacity - 1);
            while (ids[slot] >= 0 && table[slot] != key) {
                slot = (slot + 1) & (capacity - 1);
            }
            if (ids[slot] < 0) {
                table[slot] = key;
                ids[slot] = next++;
            }
            out[i] = ids[slot];
        }
        return out;
    }

    private static int mix(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    private static int max(int[] rows) {
        int max = 0;
        for (int r : rows) {
            max = Math.max(max, r);
        }
        return max;
    }

    public int size() {
        return queryOf.length;
    }

    private static float[] filled(int n, float value) {
        float[] w = new float[n];
        Arrays.fill(w, value);
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

        static Unique identity(int[] values) {
            int[] positions = new int[values.length];
            for (int i = 0; i < values.length; i++) {
                if (values[i] < 0) {
                    throw new IllegalArgumentException("negative row " + values[i]);
                }
                positions[i] = i;
            }
            return new Unique(values.clone(), positions);
        }
    }
}
