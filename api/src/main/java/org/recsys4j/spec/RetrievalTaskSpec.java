package org.recsys4j.spec;

/**
 * The options of the TFRS {@code Retrieval} task that change the loss, applied in TFRS's order:
 * temperature, logQ correction, accidental hits, hard negatives.
 *
 * @param temperature logits are divided by it; 1 leaves them as they are
 * @param l2PerExample weight of the per-example L2 penalty on the tower outputs,
 *     {@code l2 * sum_i (|q_i|^2 + |c_i|^2)}, reported as {@code regularization_loss}: a row is
 *     penalised as often as it appears in the batch (0 turns it off)
 * @param l2PerTable weight of the Keras-style L2 on whole weight tables, {@code l2 * sum W^2} over
 *     every embedding table and dense kernel (not the dense biases), also part of
 *     {@code regularization_loss}; every row of a table is decayed at every step
 * @param removeAccidentalHits TFRS {@code remove_accidental_hits}: a column whose candidate is the
 *     row's positive candidate (by candidate row) is not a negative for that row
 * @param numHardNegatives TFRS {@code num_hard_negatives}: when positive, each row keeps only its
 *     positive and its {@code numHardNegatives} highest logits among the other columns (0: all)
 * @param extraNegatives negatives beyond the batch's own candidates, appended as extra columns at
 *     every training step (TFRS's candidate embeddings longer than the queries): 0 none,
 *     {@link #ALL_CANDIDATES} every candidate of the vocabulary once, k &gt; 0 that many drawn
 *     uniformly with replacement. Under the logQ correction each counts with probability 1/V.
 */
public record RetrievalTaskSpec(double temperature, double l2PerExample, double l2PerTable,
        boolean removeAccidentalHits, int numHardNegatives, int extraNegatives) {
    /** {@link #extraNegatives} value for "every candidate of the vocabulary". */
    public static final int ALL_CANDIDATES = -1;

    public RetrievalTaskSpec {
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a positive number, got " + temperature);
        }
        nonNegative("l2PerExample", l2PerExample);
        nonNegative("l2PerTable", l2PerTable);
        if (numHardNegatives < 0) {
            throw new IllegalArgumentException("numHardNegatives must be 0 (all) or more, got " + numHardNegatives);
        }
        if (extraNegatives < ALL_CANDIDATES) {
            throw new IllegalArgumentException("extraNegatives must be -1 (all candidates), 0 or a count, got "
                    + extraNegatives);
        }
    }

    /** Sampled softmax at {@code temperature} with a per-example L2 penalty, every other option off. */
    public RetrievalTaskSpec(double temperature, double l2PerExample) {
        this(temperature, l2PerExample, 0, false, 0, 0);
    }

    /** Sampled softmax at {@code temperature}, every other option off. */
    public RetrievalTaskSpec(double temperature) {
        this(temperature, 0.0);
    }

    /** TFRS's defaults: temperature 1, every option off. */
    public static RetrievalTaskSpec defaults() {
        return new RetrievalTaskSpec(1.0);
    }

    /** The same options with {@code l2PerTable} = {@code l2}. */
    public RetrievalTaskSpec withL2PerTable(double l2) {
        return new RetrievalTaskSpec(temperature, l2PerExample, l2, removeAccidentalHits, numHardNegatives,
                extraNegatives);
    }

    /** The same options with {@code removeAccidentalHits} = {@code on}. */
    public RetrievalTaskSpec withRemoveAccidentalHits(boolean on) {
        return new RetrievalTaskSpec(temperature, l2PerExample, l2PerTable, on, numHardNegatives, extraNegatives);
    }

    /** The same options with {@code numHardNegatives} = {@code k}. */
    public RetrievalTaskSpec withNumHardNegatives(int k) {
        return new RetrievalTaskSpec(temperature, l2PerExample, l2PerTable, removeAccidentalHits, k, extraNegatives);
    }

    /** The same options with {@code extraNegatives} = {@code k}. */
    public RetrievalTaskSpec withExtraNegatives(int k) {
        return new RetrievalTaskSpec(temperature, l2PerExample, l2PerTable, removeAccidentalHits, numHardNegatives, k);
    }

    /**
     * Whether duplicate rows may be collapsed: hard-negative mining picks columns one by one, which
     * the collapsed form (one column per distinct candidate, with a multiplicity) cannot express.
     */
    public boolean collapsible() {
        return numHardNegatives == 0;
    }

    private static void nonNegative(String name, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be 0 or more, got " + value);
        }
    }
}
