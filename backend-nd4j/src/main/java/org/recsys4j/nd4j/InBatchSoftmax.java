package org.recsys4j.nd4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

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
 * in, exp, and the two products out); multiplicities, weights, the softmax normalisation and the
 * sparse positive pairs are folded into the small matrices. Query rows go in blocks, so
 * the score matrix is never held whole.
 */
final class InBatchSoftmax {
    /** Scores are exponentiated unshifted while they provably stay inside this range (float exp() overflows near 88, underflows near -87). */
    private static final float SAFE_RANGE = 60f;

    /** Loss, and gradients as row-major U x D and C x D arrays. */
    record Result(double loss, float[] gradQueries, float[] gradCandidates) {
    }

    private InBatchSoftmax() {
    }

    /**
     * @param queries U x D query outputs
     * @param candidates C x D candidate outputs
     * @param counts multiplicity of each candidate column (length C)
     * @param queryWeights summed sample weight of each query row (length U)
     * @param queryOf each example's query row
     * @param candidateOf each example's candidate column
     * @param exampleWeights each example's weight
     */
    static Result compute(INDArray queries, INDArray candidates, float[] counts, float[] queryWeights, int[] queryOf,
            int[] candidateOf, float[] exampleWeights, double temperature, int blockRows) {
        return compute(queries, candidates, counts, queryWeights, queryOf, candidateOf, exampleWeights, temperature,
                blockRows, null, null);
    }

    /**
     * As above, with accidental hits removed when {@code accidentalHitWeights} is given (each
     * example's softmax loses that much weight of its own candidate's column), and TFRS's hard
     * negatives when {@code hardNegatives} is given: then the batch must be plain (row i is example
     * i, its positive column i) and each row keeps its positive and its k highest other logits.
     */
    static Result compute(INDArray queries, INDArray candidates, float[] counts, float[] queryWeights, int[] queryOf,
            int[] candidateOf, float[] exampleWeights, double temperature, int blockRows,
            float[] accidentalHitWeights, HardNegatives hardNegatives) {
        int u = (int) queries.rows();
        int c = (int) candidates.rows();
        int d = (int) queries.columns();
        float invT = (float) (1.0 / temperature);
        INDArray m = Nd4j.create(counts, new long[] {c, 1}, DataType.FLOAT);
        INDArray scaledQueries = invT == 1f ? queries : queries.mul(invT);
        // [m . C | m]: one product with E gives both E (m . C) and the normalisers z = E m
        INDArray weightedCandidates = Nd4j.hstack(candidates.mulColumnVector(m), m);
        float bound = maxNorm(scaledQueries) * maxNorm(candidates);
        float logMostCounted = Float.NEGATIVE_INFINITY;
        float logLeastCounted = Float.POSITIVE_INFINITY;
        for (float count : counts) {
            logMostCounted = Math.max(logMostCounted, (float) Math.log(count));
            logLeastCounted = Math.min(logLeastCounted, (float) Math.log(count));
        }
        boolean inRange = hardNegatives == null && bound + logMostCounted < SAFE_RANGE
                && logLeastCounted - bound > -SAFE_RANGE;
        float[] qs = queries.dup('c').data().asFloat();
        float[] cs = candidates.dup('c').data().asFloat();
        // each example's positive score S(u_i, c_i), already divided by the temperature
        float[] positive = new float[queryOf.length];
        for (int i = 0; i < queryOf.length; i++) {
            double dot = 0;
            for (int k = 0; k < d; k++) {
                dot += (double) qs[queryOf[i] * d + k] * cs[candidateOf[i] * d + k];
            }
            positive[i] = (float) (dot * invT);
        }
        int[][] examplesOf = accidentalHitWeights == null ? null : examplesByRow(queryOf, u);
        float[] gradQ = new float[u * d];
        float[] gradC = new float[c * d];
        INDArray gradCUnweighted = Nd4j.create(DataType.FLOAT, c, d);
        double loss = 0;
        for (int from = 0; from < u; from += blockRows) {
            int to = Math.min(u, from + blockRows);
            int rows = to - from;
            INDArray block = scaledQueries.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
            INDArray s = Nd4j.gemm(block, candidates, false, true);
            if (hardNegatives != null) {
                hardNegatives.keepHardest(s, from);
            }
            // |S_uc| <= |q_u| |c_c|: when that bound is small, exp() needs no shift and no row maxima
            float[] shift = inRange ? new float[rows] : shifts(s);
            INDArray e = Exp.inPlace(s, Nd4j.getEnvironment().maxMasterThreads());
            float[] eMcz = e.mmul(weightedCandidates).dup('c').data().asFloat();
            float[] scale = new float[rows];
            for (int r = 0; r < rows; r++) {
                float z = eMcz[r * (d + 1) + d];
                int row = from + r;
                if (examplesOf == null) {
                    loss += queryWeights[row] * (Math.log(z) + shift[r]);
                    scale[r] = queryWeights[row] * invT / z;
                } else {
                    // Z_i = z - o_i e^{S_uc}: dense scale sum_i w_i / Z_i, and a sparse correction per example
                    double a = 0;
                    for (int i : examplesOf[row]) {
                        double own = accidentalHitWeights[i] * Math.exp(positive[i] - shift[r]);
                        double zi = Math.max(z - own, Float.MIN_NORMAL);
                        loss += exampleWeights[i] * (Math.log(zi) + shift[r]);
                        a += exampleWeights[i] / zi;
                        float gamma = (float) (exampleWeights[i] * own / zi * invT);
                        int ci = candidateOf[i] * d;
                        for (int k = 0; k < d; k++) {
                            gradQ[row * d + k] -= gamma * cs[ci + k];
                            gradC[ci + k] -= gamma * qs[row * d + k];
                        }
                    }
                    scale[r] = (float) (a * invT);
                }
                for (int k = 0; k < d; k++) {
                    gradQ[row * d + k] += scale[r] * eMcz[r * (d + 1) + k];
                }
            }
            // dC (before the multiplicities): E^T (scale . Q)
            INDArray scaledBlock = queries.get(NDArrayIndex.interval(from, to), NDArrayIndex.all())
                    .mulColumnVector(Nd4j.create(scale, new long[] {rows, 1}, DataType.FLOAT));
            Nd4j.gemm(e, scaledBlock, gradCUnweighted, true, false, 1.0, 1.0);
        }
        float[] dense = gradCUnweighted.muliColumnVector(m).dup('c').data().asFloat();
        for (int k = 0; k < dense.length; k++) {
            gradC[k] += dense[k];
        }
        double positives = 0;
        for (int i = 0; i < queryOf.length; i++) {
            int qi = queryOf[i] * d;
            int ci = candidateOf[i] * d;
            float w = exampleWeights[i] * invT;
            for (int k = 0; k < d; k++) {
                gradQ[qi + k] -= w * cs[ci + k];
                gradC[ci + k] -= w * qs[qi + k];
            }
            positives += exampleWeights[i] * (double) positive[i];
        }
        return new Result(loss - positives, gradQ, gradC);
    }

    private static int[][] examplesByRow(int[] queryOf, int rows) {
        int[] count = new int[rows];
        for (int q : queryOf) {
            count[q]++;
        }
        int[][] out = new int[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = new int[count[r]];
        }
        int[] fill = new int[rows];
        for (int i = 0; i < queryOf.length; i++) {
            out[queryOf[i]][fill[queryOf[i]]++] = i;
        }
        return out;
    }

    /** Shifts each row by its maximum (in place) and returns the shifts. */
    private static float[] shifts(INDArray s) {
        float[] rowMax = s.max(1).data().asFloat();
        s.subiColumnVector(Nd4j.create(rowMax, new long[] {rowMax.length, 1}, DataType.FLOAT));
        return rowMax;
    }

    private static float maxNorm(INDArray rows) {
        return rows.norm2(1).maxNumber().floatValue();
    }
}
