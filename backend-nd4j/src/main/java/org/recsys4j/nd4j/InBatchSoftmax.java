package org.recsys4j.nd4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

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
 * example it is the plain TFRS loss. The score matrix is touched by four passes only (product,
 * row maxima, exp, and the two products out); multiplicities, weights, the softmax normalisation
 * and the sparse positive pairs are folded into the small matrices. Query rows go in blocks, so
 * the score matrix is never held whole.
 */
final class InBatchSoftmax {
    /** Scores are exponentiated unshifted while they stay inside this range (float exp() overflows near 88). */
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
        int u = (int) queries.rows();
        int c = (int) candidates.rows();
        int d = (int) queries.columns();
        float invT = (float) (1.0 / temperature);
        INDArray m = Nd4j.create(counts, new long[] {c, 1}, DataType.FLOAT);
        INDArray scaledQueries = invT == 1f ? queries : queries.mul(invT);
        INDArray weightedCandidates = candidates.mulColumnVector(m);
        float[] gradQ = new float[u * d];
        INDArray gradCUnweighted = Nd4j.create(DataType.FLOAT, c, d);
        double loss = 0;
        for (int from = 0; from < u; from += blockRows) {
            int to = Math.min(u, from + blockRows);
            int rows = to - from;
            INDArray block = scaledQueries.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
            INDArray s = Nd4j.gemm(block, candidates, false, true);
            float[] rowMax = s.max(1).data().asFloat();
            float[] shift = shifts(s, rowMax);
            INDArray e = Transforms.exp(s, false);
            float[] z = e.mmul(m).data().asFloat();
            float[] scale = new float[rows];
            for (int r = 0; r < rows; r++) {
                float w = queryWeights[from + r];
                loss += w * (Math.log(z[r]) + shift[r]);
                scale[r] = w * invT / z[r];
            }
            // dQ rows: scale_u * (E (m . C))_u
            float[] eMc = e.mmul(weightedCandidates).dup('c').data().asFloat();
            for (int r = 0; r < rows; r++) {
                for (int k = 0; k < d; k++) {
                    gradQ[(from + r) * d + k] = scale[r] * eMc[r * d + k];
                }
            }
            // dC (before the multiplicities): E^T (scale . Q)
            INDArray scaledBlock = queries.get(NDArrayIndex.interval(from, to), NDArrayIndex.all())
                    .mulColumnVector(Nd4j.create(scale, new long[] {rows, 1}, DataType.FLOAT));
            Nd4j.gemm(e, scaledBlock, gradCUnweighted, true, false, 1.0, 1.0);
        }
        float[] gradC = gradCUnweighted.muliColumnVector(m).dup('c').data().asFloat();
        float[] qs = queries.dup('c').data().asFloat();
        float[] cs = candidates.dup('c').data().asFloat();
        double positives = 0;
        for (int i = 0; i < queryOf.length; i++) {
            int qi = queryOf[i] * d;
            int ci = candidateOf[i] * d;
            float w = exampleWeights[i] * invT;
            double dot = 0;
            for (int k = 0; k < d; k++) {
                dot += (double) qs[qi + k] * cs[ci + k];
                gradQ[qi + k] -= w * cs[ci + k];
                gradC[ci + k] -= w * qs[qi + k];
            }
            positives += exampleWeights[i] * dot;
        }
        return new Result(loss - positives * invT, gradQ, gradC);
    }

    /**
     * The shift each row's scores need before exp(): none while every score is safely inside
     * float range, the row's maximum otherwise (applied to {@code s} in place).
     */
    private static float[] shifts(INDArray s, float[] rowMax) {
        float highest = Float.NEGATIVE_INFINITY;
        float lowest = Float.POSITIVE_INFINITY;
        for (float v : rowMax) {
            highest = Math.max(highest, v);
            lowest = Math.min(lowest, v);
        }
        float[] shift = new float[rowMax.length];
        if (highest < SAFE_RANGE && lowest > -SAFE_RANGE) {
            return shift;
        }
        System.arraycopy(rowMax, 0, shift, 0, shift.length);
        s.subiColumnVector(Nd4j.create(rowMax, new long[] {rowMax.length, 1}, DataType.FLOAT));
        return shift;
    }
}
