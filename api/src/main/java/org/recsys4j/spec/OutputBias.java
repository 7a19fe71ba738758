package org.recsys4j.spec;

/**
 * A last output column that turns the dot product into a score with a per-candidate bias:
 * the candidate tower appends a learned scalar per id row ({@code <tower>/score_bias}, zeros at
 * first) and the query tower a constant 1, so {@code q . c} becomes {@code q . c + b_c} and every
 * index and export keeps scoring by dot product alone.
 */
public enum OutputBias {
    /** No extra column (the TFRS tutorial). */
    NONE,
    /** A learned scalar per id row: the candidate side of a per-candidate bias. */
    LEARNED,
    /** The constant 1: the query side of a per-candidate bias. */
    ONE
}
