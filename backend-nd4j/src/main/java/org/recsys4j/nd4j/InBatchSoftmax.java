package org.recsys4j.nd4j;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.task.DeduplicatedBatch;

/**
 * The in-batch softmax loss and its gradients with respect to the tower outputs, over query rows
 * and candidate columns with multiplicities (see {@code DeduplicatedBatch}):
 *
 * <pre>
 *   loss = sum_u W_u log(sum_c m_c exp(S_uc)) - sum_i w_i S(q_i, c_i),      S = Q C^T / T
 *   dQ   = diag(W / (T z)) E (m . C) - positives,   dC = m . (E^T diag(W / (T z)) Q) - positives
 * </pre>
 *
 * with {@code E = exp(S)} and {@code z = E m}. With every multiplicity 1 and every row its own
 * example it is the plain TFRS loss. The score matrix is touched by four passes only (the product
 * in, exp, and the two products out, the first of which also gives z), all of them BLAS or
 * vectorised; multiplicities, weights and the softmax normalisation are folded into the small
 * matrices, and the sparse positive pairs into E itself before the last product. Query rows go in
 * cache-sized blocks, so the score matrix is never held whole, and the blocks are shared out among the
 * workers of a {@link Parallel}: each worker owns its block buffers and its part of dC, and the
 * parts are added in worker order, so the result does not depend on timing.
 */
final class InBatchSoftmax {
    /**
     * Scores are exponentiated unshifted while they provably stay inside this range (float exp() overflows near 88,
     * underflows near -87).
     */
    private static final float SAFE_RANGE = 60f;
    /**
     * Scores below which a second worker does not pay: on this 2-vCPU VM, sharing the seed's
     * collapsed 900 x 1,200 matrix (about 4 ms of work) lost its gain to the second thread's
     * start-up latency, 0.5-2 ms a step (measured), while the plain 8,192 x 8,192 one ran an epoch
     * in 1.3-1.9 s on two workers against 2.4 s on one.
     */
    static final long SCORES_PER_WORKER = 2_000_000;

    /**
     * Loss, and gradients as row-major U x D and C x D: the first U x D and C x D floats of arrays
     * that the softmax's buffers keep, which the next step overwrites.
     */
    record Result(double loss, float[] gradQueries, float[] gradCandidates) {
    }

    private final int u;
    private final int c;
    private final int d;
    private final float invT;
    private final float[] counts;
    private final float[] queryWeights;
    private final int[] candidateOf;
    private final float[] exampleWeights;
    private final float[] accidentalHitWeights;
    private final HardNegatives hardNegatives;
    private final float[] qs;
    private final float[] cs;
    /** Q / T, C and [m . C | m] in the trainer's buffers: the workers fill them, each its share of the rows. */
    private final FloatRows scaledQueries;
    private final FloatRows candidates;
    private final FloatRows weightedCandidates;
    private final SoftmaxBuffers buffers;
    private final int workers;
    private final int rowsPerBlock;
    private final int blocks;
    private final float logMostCounted;
    private final float logLeastCounted;
    /** The examples of query row r are exampleIndex[rowStart[r] .. rowStart[r + 1]). */
    private final int[] rowStart;
    private final int[] exampleIndex;
    private final int examples;
    private final float[] positive;
    private final float[] gradQ;
    /**
     * Without accidental hits removed, each query row's sparse dQ terms, {@code sum_i (w_i / T) c_i}
     * over its examples: they need no normaliser, so the workers sum them in the set-up, where C's
     * rows, read at random, are still in cache (in a block, between its products, each cost some
     * 150 ns at 100k). Null with accidental hits removed.
     */
    private final float[] positiveTerms;

    private InBatchSoftmax(TowerNet.Pass queryPass, TowerNet.Pass candidatePass, DeduplicatedBatch batch,
            RetrievalTaskSpec task, int blockRows, Parallel parallel, SoftmaxBuffers buffers) {
        this.u = queryPass.rows.length;
        this.c = candidatePass.rows.length;
        this.d = queryPass.width();
        // a small score matrix (the seed's collapsed batch: 900 x 1,200) is not worth sharing
        this.workers = parallel.workersFor(u, c);
        int blockCount = Math.max(workers, (u + blockRows - 1) / blockRows);
        this.rowsPerBlock = Math.max(1, (u + blockCount - 1) / blockCount);
        this.blocks = (u + rowsPerBlock - 1) / rowsPerBlock;
        int[] queryOf = batch.queryOf();
        this.examples = queryOf.length;
        // grown here, on the calling thread; the workers fill them
        buffers.reserve(workers, Math.min(rowsPerBlock, u), u, c, d, examples);
        this.buffers = buffers;
        this.scaledQueries = buffers.queries(u, d);
        this.candidates = buffers.candidates(c, d);
        this.weightedCandidates = buffers.weighted(c, d);
        this.invT = (float) (1.0 / task.temperature());
        // a column's weight: its occurrences, each 1/p under the logQ correction (logits lowered by log p)
        this.counts = batch.columnWeight();
        this.queryWeights = batch.queryWeight();
        this.candidateOf = batch.candidateOf();
        this.exampleWeights = batch.exampleWeight();
        this.hardNegatives = task.numHardNegatives() > 0 ? new HardNegatives(task.numHardNegatives(),
                batch.candidateRows(), task.removeAccidentalHits(), batch.columnLogWeight()) : null;
        // with hard negatives, the masks remove accidental hits; otherwise each example's softmax loses them
        this.accidentalHitWeights = task.removeAccidentalHits() && hardNegatives == null
                ? batch.accidentalHitWeight() : null;
        // the small matrices are built in Java and copied over: ND4J ops on them cost more than their arithmetic
        this.qs = queryPass.values();
        this.cs = candidatePass.values();
        // log is monotonic (Math.log semi-monotonic), so the log of the extreme is the extreme of the logs
        float mostCounted = 0;
        float leastCounted = Float.POSITIVE_INFINITY;
        for (float count : counts) {
            mostCounted = Math.max(mostCounted, count);
            leastCounted = Math.min(leastCounted, count);
        }
        this.logMostCounted = (float) Math.log(mostCounted);
        this.logLeastCounted = (float) Math.log(leastCounted);
        this.rowStart = buffers.rowStart();
        Arrays.fill(rowStart, 0, u + 1, 0);
        for (int q : queryOf) {
            rowStart[q + 1]++;
        }
        for (int r = 0; r < u; r++) {
            rowStart[r + 1] += rowStart[r];
        }
        this.exampleIndex = buffers.exampleIndex();
        // each row's start serves as its fill pointer, ending at the next row's start: shifted back after
        for (int i = 0; i < examples; i++) {
            exampleIndex[rowStart[queryOf[i]]++] = i;
        }
        System.arraycopy(rowStart, 0, rowStart, 1, u);
        rowStart[0] = 0;
        this.positive = buffers.positives();
        // zeroed by the workers, each its share of the rows
        this.gradQ = buffers.gradQueries();
        this.positiveTerms = accidentalHitWeights == null ? buffers.positiveTerms() : null;
    }

    /**
     * An optimizer's step on rows {@code from} to {@code to} of a tower's output, given their finished
     * gradient (row-major, {@code d} floats a row): run by the softmax's workers as soon as those rows
     * are final, where that step is the tower's whole update.
     */
    interface RowsDone {
        void apply(float[] gradient, int from, int to);
    }

    /**
     * @param queries the query rows' pass: U x D outputs
     * @param candidates the columns' pass: C x D outputs
     * @param batch the rows and columns with their weights and the examples as (row, column) pairs
     * @param task the temperature; with hard negatives (TFRS's: each row keeps its positive and its
     *     k highest other logits) the batch must be plain, row i example i with its positive column i;
     *     with accidental hits removed each example's softmax loses its own candidate's other occurrences
     * @param buffers the workers' buffers, kept by the caller from step to step
     * @param queriesDone null, or the update of query rows once their dQ is final (each block's rows)
     * @param candidatesDone null, or the update of columns once their dC is final (each worker's share)
     */
    static Result compute(TowerNet.Pass queries, TowerNet.Pass candidates, DeduplicatedBatch batch,
            RetrievalTaskSpec task, int blockRows, Parallel parallel, SoftmaxBuffers buffers, RowsDone queriesDone,
            RowsDone candidatesDone) {
        return new InBatchSoftmax(queries, candidates, batch, task, blockRows, parallel, buffers).run(parallel,
                queriesDone, candidatesDone);
    }

    private Result run(Parallel parallel, RowsDone queriesDone, RowsDone candidatesDone) {
        Worker[] team = new Worker[workers];
        for (int w = 0; w < workers; w++) {
            team[w] = new Worker();
        }
        double[] blockLoss = new double[blocks];
        float[] gradC = buffers.gradCandidates();
        // each worker's largest squared norms of its share of Q's and C's rows, for the bound on the scores
        float[] queryNorms = new float[workers];
        float[] candidateNorms = new float[workers];
        // barriers among the running workers, not further hand-offs: the set-up's shares are all done before
        // any block starts; dC's columns are independent sums, each in worker order, added up once every
        // worker's part is done, each worker its share of the columns
        AtomicInteger prepared = new AtomicInteger();
        AtomicInteger partsDone = new AtomicInteger();
        parallel.forEachWorker(w -> {
            if (w < workers) {
                // worker w's share of the columns (of the set-up, and of dC's sum) and of the query rows
                int columnsFrom = (int) ((long) c * w / workers);
                int columnsTo = (int) ((long) c * (w + 1) / workers);
                int rowsFrom = (int) ((long) u * w / workers);
                int rowsTo = (int) ((long) u * (w + 1) / workers);
                float[] share = buffers.share(w);
                try {
                    NativeFloats.write(scaledQueries.rows(rowsFrom, rowsTo), scaledRows(rowsFrom, rowsTo, share));
                    NativeFloats.write(candidates.rows(columnsFrom, columnsTo), cs, columnsFrom * d);
                    NativeFloats.write(weightedCandidates.rows(columnsFrom, columnsTo),
                            weighted(columnsFrom, columnsTo, share));
                    candidateNorms[w] = maxSquaredNorm(cs, columnsFrom, columnsTo);
                    queryNorms[w] = maxSquaredNorm(qs, rowsFrom, rowsTo);
                    // before the barrier: every block adds to gradQ, over any worker's share of the rows
                    Arrays.fill(gradQ, rowsFrom * d, rowsTo * d, 0f);
                    if (positiveTerms != null) {
                        Arrays.fill(positiveTerms, rowsFrom * d, rowsTo * d, 0f);
                        sumPositiveTerms(rowsFrom, rowsTo);
                    }
                } finally {
                    prepared.incrementAndGet(); // a failed worker too, so that none waits for ever
                }
                Parallel.awaitCount(prepared, workers);
                boolean inRange = inRange(queryNorms, candidateNorms);
                try {
                    team[w].start(w);
                    for (int b = w; b < blocks; b += workers) {
                        int from = b * rowsPerBlock;
                        int to = Math.min(u, from + rowsPerBlock);
                        blockLoss[b] = team[w].compute(from, to, inRange);
                        if (queriesDone != null) {
                            queriesDone.apply(gradQ, from, to);
                        }
                    }
                } finally {
                    partsDone.incrementAndGet();
                }
                Parallel.awaitCount(partsDone, workers);
                addParts(team, gradC, columnsFrom, columnsTo, share);
                if (candidatesDone != null) {
                    candidatesDone.apply(gradC, columnsFrom, columnsTo);
                }
            }
        });
        double loss = 0;
        for (double l : blockLoss) {
            loss += l;
        }
        double positives = 0;
        for (int i = 0; i < examples; i++) {
            positives += exampleWeights[i] * (double) positive[i];
        }
        return new Result(loss - positives, gradQ, gradC);
    }

    /** Query rows from..to's {@link #positiveTerms}, each example's in the order {@link Worker#addSparseTerms} adds. */
    private void sumPositiveTerms(int from, int to) {
        for (int row = from; row < to; row++) {
            int into = row * d;
            for (int at = rowStart[row]; at < rowStart[row + 1]; at++) {
                int i = exampleIndex[at];
                float t = (float) (exampleWeights[i] * invT);
                int base = candidateOf[i] * d;
                for (int k = 0; k < d; k++) {
                    positiveTerms[into + k] += t * cs[base + k];
                }
            }
        }
    }

    /** Rows from..to of Q / T, into the start of {@code out}. */
    private float[] scaledRows(int from, int to, float[] out) {
        int n = (to - from) * d;
        System.arraycopy(qs, from * d, out, 0, n);
        if (invT != 1f) {
            for (int i = 0; i < n; i++) {
                out[i] *= invT;
            }
        }
        return out;
    }

    /** Rows from..to of [m . C | m], into the start of {@code weighted}. */
    private float[] weighted(int from, int to, float[] weighted) {
        for (int j = from; j < to; j++) {
            int at = (j - from) * (d + 1);
            for (int k = 0; k < d; k++) {
                weighted[at + k] = counts[j] * cs[j * d + k];
            }
            weighted[at + d] = counts[j];
        }
        return weighted;
    }

    /**
     * Whether |S_uc| + log m_c provably stays inside the safe range: then exp() needs no shift and no
     * row maxima. |S_uc| <= |q_u| |c_c| / T.
     */
    private boolean inRange(float[] queryNorms, float[] candidateNorms) {
        float bound = norm(queryNorms) * invT * norm(candidateNorms);
        return hardNegatives == null && bound + logMostCounted < SAFE_RANGE && logLeastCounted - bound > -SAFE_RANGE;
    }

    /**
     * Columns from..to of dC: each worker's part in worker order, scaled by the columns'
     * multiplicities, into {@code part} first. A worker without a block (fewer blocks than workers)
     * has no part: its zeros would change no bit, as a sum that starts from +0 is never -0.
     */
    private void addParts(Worker[] team, float[] gradC, int from, int to, float[] part) {
        Arrays.fill(gradC, from * d, to * d, 0f);
        for (Worker w : team) {
            if (!w.partStarted) {
                continue;
            }
            NativeFloats.read(w.gradCUnweighted.rows(from, to), part);
            for (int j = from; j < to; j++) {
                float count = counts[j];
                for (int k = j * d, at = (j - from) * d; k < (j + 1) * d; k++, at++) {
                    gradC[k] += count * part[at];
                }
            }
            if (w.gradCDirect != null) {
                for (int k = from * d; k < to * d; k++) {
                    gradC[k] += w.gradCDirect[k];
                }
            }
        }
    }

    /** Query rows from..to, and its worker's buffers sized for them. */
    private record Block(int from, int to, FloatRows queries, FloatRows scores, FloatRows eMcz,
            FloatRows scaledQueries) {
    }

    /** One worker's buffers for this step, and its running part of dC. */
    private final class Worker {
        private int index;
        private FloatRows scores;
        private FloatRows eMcz;
        private FloatRows scaledBlock;
        /** Not zeroed (1.4 MB a step at 100k): the first block's product overwrites it. */
        FloatRows gradCUnweighted;
        /** Whether a block has written this worker's part of dC, which later blocks add to. */
        boolean partStarted;
        /** The sparse terms of rows whose weights cancel, which cannot go through E. */
        float[] gradCDirect;
        /** Its block's E [m . C | m], scaled queries and row shifts in Java. */
        private float[] eMczValues;
        private float[] scaledValues;
        private float[] rowShifts;
        /** One row's sparse terms for dQ. */
        private float[] rowTerms;

        /** Worker {@code index}'s buffers, for blocks of {@code rowsPerBlock} rows. */
        void start(int index) {
            this.index = index;
            int rows = Math.min(rowsPerBlock, u);
            scores = buffers.scores(index, rows, c);
            eMcz = buffers.eMcz(index, rows, d);
            scaledBlock = buffers.scaledBlock(index, rows, d);
            gradCUnweighted = buffers.gradC(index, c, d);
            eMczValues = buffers.blockEMcz(index);
            scaledValues = buffers.blockScaled(index);
            rowShifts = buffers.blockShift(index);
            rowTerms = buffers.rowTerms(index);
        }

        /** The block's loss; its rows of dQ go straight into gradQ, its part of dC into this worker's. */
        double compute(int from, int to, boolean inRange) {
            int rows = to - from;
            if (rows != scores.rows()) {
                // the last, shorter block
                scores = buffers.scores(index, rows, c);
                eMcz = buffers.eMcz(index, rows, d);
                scaledBlock = buffers.scaledBlock(index, rows, d);
            }
            return compute(new Block(from, to, scaledQueries.rows(from, to), scores, eMcz, scaledBlock), inRange);
        }

        private double compute(Block b, boolean inRange) {
            int rows = b.to - b.from;
            FloatRows s = b.scores;
            Gemm.into(b.queries, candidates, s, false, true, 1f, 0f);
            try (NativeFloats.View scores = NativeFloats.view(s)) {
                for (int r = 0; r < rows; r++) {
                    for (int at = rowStart[b.from + r]; at < rowStart[b.from + r + 1]; at++) {
                        int i = exampleIndex[at];
                        positive[i] = scores.floats().get(r * c + candidateOf[i]);
                    }
                }
            }
            if (hardNegatives != null) {
                hardNegatives.keepHardest(s.view(), b.from);
            }
            // |S_uc| <= |q_u| |c_c|: when that bound is small, exp() needs no shift and no row maxima
            if (inRange) {
                Arrays.fill(rowShifts, 0, rows, 0f);
            } else {
                try (NativeFloats.View scores = NativeFloats.view(s)) {
                    shifts(scores.floats(), rows, rowShifts);
                }
            }
            Exp.inPlace(s);
            // dQ = diag(scale) E (m . C) - sparse terms; the normalisers z come with it
            Gemm.into(s, weightedCandidates, b.eMcz, false, false, 1f, 0f);
            float[] eMcz = eMczValues;
            NativeFloats.read(b.eMcz, eMcz);
            float[] scaledBlock = scaledValues;
            double loss = 0;
            try (NativeFloats.View e = NativeFloats.view(s)) {
                for (int r = 0; r < rows; r++) {
                    int row = b.from + r;
                    float z = eMcz[r * (d + 1) + d];
                    float scale;
                    if (accidentalHitWeights == null) {
                        loss += queryWeights[row] * (Math.log(z) + rowShifts[r]);
                        scale = queryWeights[row] * invT / z;
                    } else {
                        // Z_i = z - o_i e^{S_uc}: dense scale sum_i w_i / Z_i, and a sparse term per example
                        double a = 0;
                        for (int at = rowStart[row]; at < rowStart[row + 1]; at++) {
                            int i = exampleIndex[at];
                            double zi = Math.max(z - own(i, rowShifts[r]), Float.MIN_NORMAL);
                            loss += exampleWeights[i] * (Math.log(zi) + rowShifts[r]);
                            a += exampleWeights[i] / zi;
                        }
                        scale = (float) (a * invT);
                    }
                    for (int k = 0; k < d; k++) {
                        gradQ[row * d + k] += scale * eMcz[r * (d + 1) + k];
                        scaledBlock[r * d + k] = scale * qs[row * d + k];
                    }
                    addSparseTerms(e.floats(), r, row, scale, z, rowShifts[r]);
                }
            }
            // dC (before the multiplicities) = E^T (scale . Q) - sparse terms, which addSparseTerms put into E
            NativeFloats.write(b.scaledQueries, scaledBlock);
            Gemm.into(s, b.scaledQueries, gradCUnweighted, true, false, 1f, partStarted ? 1f : 0f);
            partStarted = true;
            return loss;
        }

        /**
         * The row's sparse gradient terms: each example's positive ({@code -w_i / T}) and, with
         * accidental hits removed, its own column's share ({@code -w_i o_i e^S / (T Z_i)}). Both sit
         * at (row, c_i) of the gradient of S. dQ takes them directly (one D-vector each); for dC,
         * whose dense product computes that gradient as {@code scale m_c E}, they go into E as
         * {@code -term / (scale m_c)}, so the product carries them. A row whose scale is 0 (weights
         * that cancel, as +1 and -1) cannot: its terms go to dC directly.
         */
        private void addSparseTerms(FloatBuffer scores, int r, int row, float scale, float z, float shift) {
            // summed per row first: the loop over one D-vector then vectorises; in the set-up where it can be
            float[] terms = rowTerms;
            int termsAt = 0;
            if (positiveTerms != null) {
                terms = positiveTerms;
                termsAt = row * d;
            } else {
                Arrays.fill(rowTerms, 0, d, 0f);
            }
            for (int at = rowStart[row]; at < rowStart[row + 1]; at++) {
                int i = exampleIndex[at];
                double term = exampleWeights[i] * invT;
                if (accidentalHitWeights != null) {
                    double own = own(i, shift);
                    term += exampleWeights[i] * own / Math.max(z - own, Float.MIN_NORMAL) * invT;
                }
                int column = candidateOf[i];
                float t = (float) term;
                if (positiveTerms == null) {
                    int base = column * d;
                    for (int k = 0; k < d; k++) {
                        rowTerms[k] += t * cs[base + k];
                    }
                }
                if (scale != 0) {
                    int cell = r * c + column;
                    scores.put(cell, (float) (scores.get(cell) - term / ((double) scale * counts[column])));
                } else {
                    if (gradCDirect == null) {
                        gradCDirect = new float[c * d];
                    }
                    for (int k = 0; k < d; k++) {
                        gradCDirect[column * d + k] -= t * qs[row * d + k];
                    }
                }
            }
            for (int k = 0; k < d; k++) {
                gradQ[row * d + k] -= terms[termsAt + k];
            }
        }
    }

    /** The weight of example i's own column in its softmax, after the row's shift. */
    private double own(int i, float shift) {
        return accidentalHitWeights[i] * Math.exp(positive[i] - shift);
    }

    /** Shifts each row by its maximum (in place), each shift into {@code rowMax}. */
    private void shifts(FloatBuffer scores, int rows, float[] rowMax) {
        for (int r = 0; r < rows; r++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, scores.get(r * c + j));
            }
            for (int j = 0; j < c; j++) {
                scores.put(r * c + j, scores.get(r * c + j) - max);
            }
            rowMax[r] = max;
        }
    }

    /** The largest squared norm among rows from..to of a row-major matrix with d columns. */
    private float maxSquaredNorm(float[] rows, int from, int to) {
        float max = 0;
        for (int r = from; r < to; r++) {
            // four running sums: one would wait on each add
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            int k = 0;
            for (int base = r * d; k + 3 < d; k += 4) {
                s0 += rows[base + k] * rows[base + k];
                s1 += rows[base + k + 1] * rows[base + k + 1];
                s2 += rows[base + k + 2] * rows[base + k + 2];
                s3 += rows[base + k + 3] * rows[base + k + 3];
            }
            for (; k < d; k++) {
                s0 += rows[r * d + k] * rows[r * d + k];
            }
            max = Math.max(max, (s0 + s1) + (s2 + s3));
        }
        return max;
    }

    /** The largest norm, from each worker's largest squared norm. */
    private static float norm(float[] squaredNorms) {
        float max = 0;
        for (float x : squaredNorms) {
            max = Math.max(max, x);
        }
        // rounded up by far more than the float sums' error, as a bound must be
        return (float) (Math.sqrt(max) * (1 + 1e-5));
    }
}
