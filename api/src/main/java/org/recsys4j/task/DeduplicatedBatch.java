package org.recsys4j.task;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.recsys4j.model.Features;
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
 *
 * <p>Immutable, and passed whole: every array is copied in and out, so read each once a step.
 *
 * @param queryRows query rows, in order of first appearance. With context features a query is its
 *     row and its context together, so a row may appear once per distinct context
 * @param queryContext per context feature of the query tower, its value for each query row (no
 *     columns without context)
 * @param candidateRows candidate rows of the columns: the batch's candidates, then extra negatives
 *     not already a column
 * @param queryOf for each example, the position of its query in {@code queryRows}
 * @param candidateOf for each example, the position of its candidate in {@code candidateRows}
 * @param queryWeight summed sample weight per query row
 * @param queryCount how many examples carry each query row
 * @param candidateCount how many examples carry each column's candidate as their positive (0 for an
 *     extra negative)
 * @param exampleWeight each example's sample weight (all ones when the batch has none)
 * @param columnLogWeight {@code log m_c} per column: log of its occurrences' summed weight, 1 or 1/p each
 * @param accidentalHitWeight per example, the summed weight of the occurrences of its own candidate
 *     other than itself: what removing accidental hits takes out of its softmax
 * @param positiveLogProbability {@code sum_i w_i log p(c_i)}: the correction's share of the
 *     positives' logits, a constant of the batch
 */
public record DeduplicatedBatch(int[] queryRows, Features queryContext, int[] candidateRows, int[] queryOf,
        int[] candidateOf, float[] queryWeight, float[] queryCount, float[] candidateCount, float[] exampleWeight,
        float[] columnLogWeight, float[] accidentalHitWeight, double positiveLogProbability) {
    public DeduplicatedBatch {
        Objects.requireNonNull(queryContext, "queryContext");
        int n = queryOf.length;
        int u = queryRows.length;
        int c = candidateRows.length;
        if (candidateOf.length != n || exampleWeight.length != n || accidentalHitWeight.length != n
                || queryWeight.length != u || queryCount.length != u || candidateCount.length != c
                || columnLogWeight.length != c || (!queryContext.isEmpty() && queryContext.size() != u)) {
            throw new IllegalArgumentException("a batch of " + n + " examples, " + u + " query rows and " + c
                    + " columns needs per-example, per-row and per-column arrays of those lengths");
        }
        queryRows = queryRows.clone();
        candidateRows = candidateRows.clone();
        queryOf = queryOf.clone();
        candidateOf = candidateOf.clone();
        queryWeight = queryWeight.clone();
        queryCount = queryCount.clone();
        candidateCount = candidateCount.clone();
        exampleWeight = exampleWeight.clone();
        columnLogWeight = columnLogWeight.clone();
        accidentalHitWeight = accidentalHitWeight.clone();
    }

    @Override
    public int[] queryRows() {
        return queryRows.clone();
    }

    @Override
    public int[] candidateRows() {
        return candidateRows.clone();
    }

    @Override
    public int[] queryOf() {
        return queryOf.clone();
    }

    @Override
    public int[] candidateOf() {
        return candidateOf.clone();
    }

    @Override
    public float[] queryWeight() {
        return queryWeight.clone();
    }

    @Override
    public float[] queryCount() {
        return queryCount.clone();
    }

    @Override
    public float[] candidateCount() {
        return candidateCount.clone();
    }

    @Override
    public float[] exampleWeight() {
        return exampleWeight.clone();
    }

    @Override
    public float[] columnLogWeight() {
        return columnLogWeight.clone();
    }

    @Override
    public float[] accidentalHitWeight() {
        return accidentalHitWeight.clone();
    }

    /** Each column's weight {@code m_c}, the exponential of {@link #columnLogWeight()}. */
    public float[] columnWeight() {
        float[] out = new float[columnLogWeight.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = (float) Math.exp(columnLogWeight[j]);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeduplicatedBatch b && Arrays.equals(queryRows, b.queryRows)
                && Arrays.equals(candidateRows, b.candidateRows) && Arrays.equals(queryOf, b.queryOf)
                && Arrays.equals(candidateOf, b.candidateOf) && Arrays.equals(exampleWeight, b.exampleWeight)
                && Arrays.equals(columnLogWeight, b.columnLogWeight)
                && Arrays.equals(accidentalHitWeight, b.accidentalHitWeight)
                && positiveLogProbability == b.positiveLogProbability;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(queryRows), Arrays.hashCode(candidateRows), Arrays.hashCode(queryOf),
                Arrays.hashCode(candidateOf), positiveLogProbability);
    }

    @Override
    public String toString() {
        return "DeduplicatedBatch[" + size() + " examples, " + queryRows.length + " query rows, "
                + candidateRows.length + " columns]";
    }

    /**
     * @param queries each example's query row
     * @param candidates each example's candidate row
     * @param weights sample weights, or null for ones
     */
    public static DeduplicatedBatch of(int[] queries, int[] candidates, float[] weights) {
        return build(queries, Features.none(), candidates, weights, null, null, null, true);
    }

    /** As {@link #of(int[], int[], float[])}, with each example's candidate sampling probability (or null). */
    public static DeduplicatedBatch of(int[] queries, int[] candidates, float[] weights, float[] probability) {
        return build(queries, Features.none(), candidates, weights, probability, null, null, true);
    }

    /**
     * The same batch without collapsing: one query row and one candidate column per example (and
     * per extra negative), all multiplicities one. The plain TFRS formulation, in the same form.
     */
    public static DeduplicatedBatch withoutCollapsing(int[] queries, int[] candidates, float[] weights) {
        return build(queries, Features.none(), candidates, weights, null, null, null, false);
    }

    /** As {@link #withoutCollapsing(int[], int[], float[])}, with sampling probabilities (or null). */
    public static DeduplicatedBatch withoutCollapsing(int[] queries, int[] candidates, float[] weights,
            float[] probability) {
        return build(queries, Features.none(), candidates, weights, probability, null, null, false);
    }

    /** The batch's rows collapsed, or one row per example, with its extra negatives. */
    public static DeduplicatedBatch of(FeatureBatch batch, String queryFeature, String candidateFeature,
            boolean collapse) {
        return build(batch.feature(queryFeature), Features.none(), batch.feature(candidateFeature),
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

    private static DeduplicatedBatch build(int[] queries, Features context, int[] candidates,
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
        Features queryContext = Features.none();
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
            queryContext = context.select(first);
        }
        // read only: the batch's own column when there are no extras
        int[] allCandidates = extra.length == 0 ? candidates : Arrays.copyOf(candidates, n + extra.length);
        System.arraycopy(extra, 0, allCandidates, n, extra.length);
        Unique c = collapse ? Unique.of(allCandidates) : Unique.identity(allCandidates);
        int columns = c.rows.length;
        float[] qw = new float[q.rows.length];
        float[] qc = new float[q.rows.length];
        float[] cc = new float[columns];
        // every occurrence's weight summed by candidate row: a collapsed column's weight, and what
        // removing accidental hits takes from an example (its row's sum less its own weight).
        // Collapsed, a row is a column: the sums go straight into the columns, in the same order,
        // without a table as long as the vocabulary (the collapse runs every training step)
        double[] byRow = new double[collapse ? columns : max(allCandidates) + 1];
        for (int i = 0; i < allCandidates.length; i++) {
            byRow[collapse ? c.positions[i] : allCandidates[i]] += occurrenceWeight(
                    i < n ? probability : extraProbability, i < n ? i : i - n);
        }
        double[] columnWeight = collapse ? byRow : new double[columns];
        for (int j = 0; !collapse && j < columns; j++) {
            columnWeight[j] = occurrenceWeight(j < n ? probability : extraProbability, j < n ? j : j - n);
        }
        float[] accidentalHits = new float[n];
        for (int i = 0; i < n; i++) {
            accidentalHits[i] = (float) (byRow[collapse ? c.positions[i] : allCandidates[i]]
                    - occurrenceWeight(probability, i));
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
        // the constructor copies every array in: the positions go as they are when they hold no extras
        return new DeduplicatedBatch(queryRows, queryContext, c.rows, q.positions,
                c.positions.length == n ? c.positions : Arrays.copyOf(c.positions, n), qw, qc, cc, w, logWeight,
                accidentalHits, positive);
    }

    private static double occurrenceWeight(float[] probability, int i) {
        return probability == null ? 1.0 : 1.0 / probability[i];
    }

    /**
     * Each example's (row, context values) as a dense key: equal keys, equal tower inputs. A
     * numeric feature's value counts by its float bits, so equal bits are one query and any other
     * value another.
     */
    private static int[] keys(int[] rows, Features context) {
        List<int[]> columns = new ArrayList<>();
        for (String name : context.names()) {
            columns.add(context.isNumeric(name) ? bits(context.values(name)) : context.rows(name));
        }
        if (columns.size() == 1) {
            return keys(rows, columns.get(0));
        }
        Map<List<Integer>, Integer> ids = new HashMap<>();
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            List<Integer> key = new ArrayList<>(columns.size() + 1);
            key.add(rows[i]);
            for (int[] values : columns) {
                key.add(values[i]);
            }
            Integer id = ids.putIfAbsent(key, ids.size());
            out[i] = id == null ? ids.size() - 1 : id;
        }
        return out;
    }

    private static int[] bits(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Float.floatToRawIntBits(values[i]);
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

    /** The number of examples. */
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
