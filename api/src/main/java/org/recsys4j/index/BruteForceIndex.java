package org.recsys4j.index;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Tower;

/**
 * Exact top-k by scoring every candidate, as TFRS {@code BruteForce}. Equal scores keep the order
 * in which candidates were indexed, so results are deterministic.
 *
 * <pre>{@code
 * BruteForceIndex index = new BruteForceIndex(model.queryTower());
 * index.index(titles, model.candidateTower().embed(titles));
 * TopK top3 = index.query("42", 3);
 * }</pre>
 *
 * <p>The candidates are kept in blocks of {@value #BLOCK} stored dimension by dimension
 * ({@code blocks[b][j][c]}: element j of candidate {@code b * BLOCK + c}), so a query's scores
 * are {@code acc[c] += q[j] * column[c]} passes over short arrays that stay in the L1 cache, a
 * loop the JIT compiles to SIMD code (a loop of separate dot products is a reduction, which it
 * keeps scalar). The sums run over four accumulators by {@code j mod 4} and combine as
 * {@link org.recsys4j.metrics.Scores#dot} does, so every score is bit for bit the one the metrics
 * compute, and rankings agree with them on ties.
 */
public final class BruteForceIndex implements Index {
    /** Candidates per block: four accumulators of this many floats (8 KB) stay in the L1 cache. */
    static final int BLOCK = 512;

    /**
     * Each thread's four accumulators, cleared per block: a server searching once per request
     * would otherwise allocate (and zero) 8 KB per search, a quarter of its garbage.
     */
    private static final ThreadLocal<float[][]> ACCUMULATORS = ThreadLocal.withInitial(() -> new float[4][BLOCK]);

    private final Tower queryTower;
    private String[] identifiers = new String[0];
    private Embeddings candidates;
    private float[][][] blocks;
    /** Positions by identifier, built on the first search with exclusions. */
    private volatile Map<String, int[]> positions;

    /** An index that answers raw queries through {@code queryTower} (may be null for embeddings only). */
    public BruteForceIndex(Tower queryTower) {
        this.queryTower = queryTower;
    }

    /** An index for query embeddings only; raw queries need a query tower. */
    public BruteForceIndex() {
        this(null);
    }

    /** Replaces the indexed candidates. */
    public BruteForceIndex index(List<String> ids, Embeddings embeddings) {
        if (ids.size() != embeddings.rows()) {
            throw new IllegalArgumentException(ids.size() + " identifiers for " + embeddings.rows() + " embeddings");
        }
        if (queryTower != null && queryTower.dimension() != embeddings.dim()) {
            throw new IllegalArgumentException("candidates have dimension " + embeddings.dim()
                    + " but the query tower gives " + queryTower.dimension());
        }
        this.identifiers = ids.toArray(String[]::new);
        this.candidates = embeddings;
        this.blocks = columnBlocks(embeddings);
        this.positions = null;
        return this;
    }

    private static float[][][] columnBlocks(Embeddings e) {
        int n = e.rows();
        int d = e.dim();
        float[] rows = e.data();
        float[][][] out = new float[(n + BLOCK - 1) / BLOCK][][];
        for (int b = 0; b < out.length; b++) {
            int start = b * BLOCK;
            int len = Math.min(BLOCK, n - start);
            float[][] block = new float[d][len];
            for (int c = 0; c < len; c++) {
                for (int j = 0; j < d; j++) {
                    block[j][c] = rows[(start + c) * d + j];
                }
            }
            out[b] = block;
        }
        return out;
    }

    @Override
    public int size() {
        return identifiers.length;
    }

    /** The indexed candidates' embeddings, in the order indexed. */
    public Embeddings candidates() {
        return candidates;
    }

    /** The indexed candidates' identifiers, in the order indexed. */
    public List<String> identifiers() {
        return List.of(identifiers);
    }

    @Override
    public TopK search(float[] query, int k, Set<String> exclusions) {
        checkReady(query.length);
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive, got " + k);
        }
        return top(query, 0, k, excludedPositions(exclusions));
    }

    @Override
    public List<TopK> search(Embeddings queries, int k) {
        checkReady(queries.dim());
        TopK[] out = new TopK[queries.rows()];
        IntStream.range(0, queries.rows()).parallel()
                .forEach(i -> out[i] = top(queries.data(), i * queries.dim(), k, new int[0]));
        return Arrays.asList(out);
    }

    @Override
    public TopK query(String rawQuery, int k, Set<String> exclusions) {
        if (queryTower == null) {
            throw new IllegalStateException("this index has no query tower; search with an embedding instead");
        }
        return search(queryTower.embed(rawQuery).data(), k, exclusions);
    }

    private void checkReady(int dim) {
        if (candidates == null) {
            throw new IllegalStateException("nothing indexed yet; call index(ids, embeddings) first");
        }
        if (dim != candidates.dim()) {
            throw new IllegalArgumentException("query has dimension " + dim + ", candidates " + candidates.dim());
        }
    }

    /** The indexed positions of the excluded identifiers, ascending (an identifier may sit at several). */
    private int[] excludedPositions(Set<String> exclusions) {
        if (exclusions.isEmpty()) {
            return new int[0];
        }
        Map<String, int[]> byId = positions;
        if (byId == null) {
            byId = new HashMap<>(identifiers.length * 2);
            for (int j = 0; j < identifiers.length; j++) {
                int[] old = byId.get(identifiers[j]);
                int[] now = old == null ? new int[1] : Arrays.copyOf(old, old.length + 1);
                now[now.length - 1] = j;
                byId.put(identifiers[j], now);
            }
            positions = byId;
        }
        int[] out = new int[0];
        for (String id : exclusions) {
            int[] at = byId.get(id);
            if (at != null) {
                int n = out.length;
                out = Arrays.copyOf(out, n + at.length);
                System.arraycopy(at, 0, out, n, at.length);
            }
        }
        Arrays.sort(out);
        return out;
    }

    private TopK top(float[] q, int qOff, int k, int[] excluded) {
        int d = candidates.dim();
        ScoredHeap heap = new ScoredHeap(Math.min(k, identifiers.length));
        float[][] acc = ACCUMULATORS.get();
        float[] a0 = acc[0];
        float[] a1 = acc[1];
        float[] a2 = acc[2];
        float[] a3 = acc[3];
        int nextExcluded = 0;
        for (int b = 0; b < blocks.length; b++) {
            float[][] block = blocks[b];
            int len = Math.min(BLOCK, identifiers.length - b * BLOCK);
            Arrays.fill(a0, 0, len, 0f);
            Arrays.fill(a1, 0, len, 0f);
            Arrays.fill(a2, 0, len, 0f);
            Arrays.fill(a3, 0, len, 0f);
            int j = 0;
            for (; j + 3 < d; j += 4) {
                accumulate(a0, q[qOff + j], block[j], len);
                accumulate(a1, q[qOff + j + 1], block[j + 1], len);
                accumulate(a2, q[qOff + j + 2], block[j + 2], len);
                accumulate(a3, q[qOff + j + 3], block[j + 3], len);
            }
            for (; j < d; j++) {
                accumulate(a0, q[qOff + j], block[j], len);
            }
            int start = b * BLOCK;
            for (int c = 0; c < len; c++) {
                float s = (a0[c] + a1[c]) + (a2[c] + a3[c]);
                if (heap.admits(s)) {
                    int position = start + c;
                    while (nextExcluded < excluded.length && excluded[nextExcluded] < position) {
                        nextExcluded++;
                    }
                    if (nextExcluded < excluded.length && excluded[nextExcluded] == position) {
                        continue;
                    }
                    heap.offer(s, position);
                }
            }
        }
        float[] scores = new float[heap.size()];
        int[] best = heap.drainPositions(scores);
        List<String> ids = new ArrayList<>(best.length);
        for (int p : best) {
            ids.add(identifiers[p]);
        }
        return new TopK(ids, scores);
    }

    /** {@code acc[c] += x * column[c]}: same index on both arrays, so the JIT vectorises it. */
    private static void accumulate(float[] acc, float x, float[] column, int len) {
        for (int c = 0; c < len; c++) {
            acc[c] += x * column[c];
        }
    }

    @Override
    public String toString() {
        return "BruteForceIndex[" + identifiers.length + " candidates" + (queryTower == null ? "" : ", query tower")
                + "]";
    }
}
