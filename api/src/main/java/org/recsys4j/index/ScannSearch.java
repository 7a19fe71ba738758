package org.recsys4j.index;

import java.lang.ref.WeakReference;
import java.util.Set;

/**
 * One thread's scratch space for {@link ScannIndex} searches over one {@link ScannStructure}, reused
 * from query to query so that a search allocates nothing but its answer: the leaf scores, the
 * query's lookup tables (as floats, and as {@link Lut16Codes} quantises them), a leaf's
 * approximate scores, and the heaps of best leaves and best approximate candidates.
 *
 * <p>A thread keeps one, for the structure it searched last, and holds that structure only weakly
 * between searches: after a hot reload the old index's candidates are not kept alive by the
 * threads that searched them.
 */
final class ScannSearch {
    private static final ThreadLocal<ScannSearch> LAST = new ThreadLocal<>();

    private final WeakReference<ScannStructure> built;
    /** The structure being searched, from {@link #begin} to {@link #end}. */
    ScannStructure structure;
    final float[] leafScores;
    /** The query's tables: block b's dot products with its codewords at {@code b * codewords ...}. */
    final float[] tables;
    /** One leaf's approximate scores ({@link ByteCodes}). */
    final float[] scores;
    /** One leaf's quantised sums ({@link Lut16Codes}), whole groups of {@link Lut16Codes#GROUP}. */
    final short[] sums;
    /** The groups of a leaf that {@link Lut16Codes} found worth a look. */
    final int[] hits;
    /** The quantised tables ({@link Lut16Codes}): {@link Lut16Codes#GROUP} bytes a block, 16 used. */
    final byte[] lut;
    /** An approximate score is {@code leafScore + lutBias + lutScale * sum} ({@link Lut16Codes}). */
    float lutBias;
    float lutScale;

    private ScoredHeap bestLeaves = new ScoredHeap(0);
    private ScoredHeap approximate = new ScoredHeap(0);
    private ScoredHeap exact = new ScoredHeap(0);
    private Set<String> exclusions = Set.of();

    private ScannSearch(ScannStructure structure) {
        this.built = new WeakReference<>(structure);
        this.leafScores = new float[structure.leaves()];
        ProductQuantizer pq = structure.quantizer();
        this.tables = new float[pq.blocks() * pq.codewords()];
        int largest = structure.largestLeaf();
        this.scores = new float[largest];
        this.sums = new short[(largest + Lut16Codes.GROUP - 1) / Lut16Codes.GROUP * Lut16Codes.GROUP];
        this.hits = new int[sums.length / Lut16Codes.GROUP];
        this.lut = new byte[Lut16Codes.paddedBlocks(pq.blocks()) * Lut16Codes.GROUP];
    }

    /**
     * This thread's scratch space for a search of {@code s} that keeps this many leaves and
     * approximate candidates, its heaps empty; call {@link #end} when done.
     */
    static ScannSearch begin(ScannStructure s, int leaves, int candidates, Set<String> exclusions) {
        ScannSearch search = LAST.get();
        if (search == null || search.built.get() != s) {
            search = new ScannSearch(s);
            LAST.set(search);
        }
        search.structure = s;
        search.bestLeaves = fresh(search.bestLeaves, leaves);
        search.approximate = fresh(search.approximate, candidates);
        search.exclusions = exclusions;
        return search;
    }

    /** Lets go of the structure and the exclusions (the scratch arrays stay for the next search). */
    void end() {
        structure = null;
        exclusions = Set.of();
    }

    ScoredHeap bestLeaves() {
        return bestLeaves;
    }

    ScoredHeap approximate() {
        return approximate;
    }

    /** An empty heap of {@code k} for the exact rescoring. */
    ScoredHeap exact(int k) {
        exact = fresh(exact, k);
        return exact;
    }

    /** The lowest approximate score that could still get in: minus infinity until the heap is full. */
    float bar() {
        return approximate.bar();
    }

    /** Offers the leaf-ordered entry {@code entry} with this approximate score, unless it is excluded. */
    void offer(float score, int entry) {
        if (approximate.admits(score)) {
            int position = structure.leafPositions()[entry];
            if (exclusions.isEmpty() || !exclusions.contains(structure.identifiers()[position])) {
                approximate.offer(score, position);
            }
        }
    }

    private static ScoredHeap fresh(ScoredHeap heap, int capacity) {
        if (heap.capacity() != capacity) {
            return new ScoredHeap(capacity);
        }
        heap.clear();
        return heap;
    }
}
