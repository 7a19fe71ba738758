package org.recsys4j.index;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.recsys4j.metrics.Scores;
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
 */
public final class BruteForceIndex implements Index {
    private final Tower queryTower;
    private String[] identifiers = new String[0];
    private Embeddings candidates;

    /** An index that answers raw queries through {@code queryTower} (may be null for embeddings only). */
    public BruteForceIndex(Tower queryTower) {
        this.queryTower = queryTower;
    }

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
        return this;
    }

    @Override
    public int size() {
        return identifiers.length;
    }

    public Embeddings candidates() {
        return candidates;
    }

    public List<String> identifiers() {
        return List.of(identifiers);
    }

    @Override
    public TopK search(float[] query, int k, Set<String> exclusions) {
        checkReady(query.length);
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive, got " + k);
        }
        return top(query, 0, k, exclusions);
    }

    @Override
    public List<TopK> search(Embeddings queries, int k) {
        checkReady(queries.dim());
        TopK[] out = new TopK[queries.rows()];
        IntStream.range(0, queries.rows()).parallel()
                .forEach(i -> out[i] = top(queries.data(), i * queries.dim(), k, Set.of()));
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

    /** A bounded min-heap of (score, position); the worst kept candidate sits at the root. */
    private TopK top(float[] q, int qOff, int k, Set<String> exclusions) {
        int d = candidates.dim();
        float[] c = candidates.data();
        int cap = Math.min(k, identifiers.length);
        float[] heapScore = new float[cap];
        int[] heapPos = new int[cap];
        int size = 0;
        for (int j = 0; j < identifiers.length; j++) {
            if (!exclusions.isEmpty() && exclusions.contains(identifiers[j])) {
                continue;
            }
            float s = Scores.dot(q, qOff, c, j * d, d);
            if (size < cap) {
                heapScore[size] = s;
                heapPos[size] = j;
                siftUp(heapScore, heapPos, size++);
            } else if (cap > 0 && s > heapScore[0]) { // a later equal score never displaces an earlier one
                heapScore[0] = s;
                heapPos[0] = j;
                siftDown(heapScore, heapPos, 0, size);
            }
        }
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> worse(heapScore[a], heapPos[a], heapScore[b], heapPos[b]) ? 1 : -1);
        List<String> ids = new ArrayList<>(size);
        float[] scores = new float[size];
        for (int i = 0; i < size; i++) {
            ids.add(identifiers[heapPos[order[i]]]);
            scores[i] = heapScore[order[i]];
        }
        return new TopK(ids, scores);
    }

    /** a ranks below b: a lower score, or an equal score indexed later. */
    private static boolean worse(float sa, int pa, float sb, int pb) {
        return sa < sb || (sa == sb && pa > pb);
    }

    private static void siftUp(float[] s, int[] p, int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!worse(s[i], p[i], s[parent], p[parent])) {
                return;
            }
            swap(s, p, i, parent);
            i = parent;
        }
    }

    private static void siftDown(float[] s, int[] p, int i, int size) {
        while (true) {
            int l = 2 * i + 1;
            int r = l + 1;
            int worst = i;
            if (l < size && worse(s[l], p[l], s[worst], p[worst])) {
                worst = l;
            }
            if (r < size && worse(s[r], p[r], s[worst], p[worst])) {
                worst = r;
            }
            if (worst == i) {
                return;
            }
            swap(s, p, i, worst);
            i = worst;
        }
    }

    private static void swap(float[] s, int[] p, int a, int b) {
        float ts = s[a];
        s[a] = s[b];
        s[b] = ts;
        int tp = p[a];
        p[a] = p[b];
        p[b] = tp;
    }

    @Override
    public String toString() {
        return "BruteForceIndex[" + identifiers.length + " candidates" + (queryTower == null ? "" : ", query tower")
                + "]";
    }
}
