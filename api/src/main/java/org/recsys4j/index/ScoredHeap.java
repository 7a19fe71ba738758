package org.recsys4j.index;

/**
 * The best {@code capacity} (score, position) pairs seen so far: a bounded min-heap with the worst
 * kept pair at the root. Ranking is {@link BruteForceIndex}'s: a higher score first, and on equal
 * scores the lower position (the earlier indexed candidate), so results are deterministic. The
 * per-user ranking metrics rank the same way.
 */
public final class ScoredHeap {
    private final float[] scores;
    private final int[] positions;
    private int size;

    /** A heap keeping the best {@code capacity} pairs. */
    public ScoredHeap(int capacity) {
        scores = new float[capacity];
        positions = new int[capacity];
    }

    /** The number of pairs kept, at most the capacity. */
    public int size() {
        return size;
    }

    int capacity() {
        return scores.length;
    }

    /** Empties the heap, to use it again. */
    void clear() {
        size = 0;
    }

    /** The lowest score that {@link #admits}: minus infinity while the heap has room. */
    public float bar() {
        if (scores.length == 0) {
            return Float.POSITIVE_INFINITY;
        }
        return size < scores.length ? Float.NEGATIVE_INFINITY : scores[0];
    }

    /** Whether a pair with this score could still get in; a cheap test before {@link #offer}. */
    public boolean admits(float score) {
        return size < scores.length || score >= scores[0];
    }

    /** Keeps the pair if it ranks among the best {@code capacity} seen so far. */
    public void offer(float score, int position) {
        if (size < scores.length) {
            scores[size] = score;
            positions[size] = position;
            siftUp(size++);
        } else if (scores.length > 0 && worse(scores[0], positions[0], score, position)) {
            scores[0] = score;
            positions[0] = position;
            siftDown(0);
        }
    }

    float score(int i) {
        return scores[i];
    }

    int position(int i) {
        return positions[i];
    }

    /** Empties the heap and returns its indices in rank order, best first (a heap sort in place). */
    public int[] drainPositions(float[] scoresOut) {
        int n = size;
        int[] out = new int[n];
        for (int i = n - 1; i >= 0; i--) {
            out[i] = positions[0];
            scoresOut[i] = scores[0];
            size--;
            if (size > 0) {
                scores[0] = scores[size];
                positions[0] = positions[size];
                siftDown(0);
            }
        }
        return out;
    }

    /** a ranks below b: a lower score, or an equal score at a later position. */
    static boolean worse(float sa, int pa, float sb, int pb) {
        return sa < sb || (sa == sb && pa > pb);
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!worse(scores[i], positions[i], scores[parent], positions[parent])) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int l = 2 * i + 1;
            int r = l + 1;
            int worst = i;
            if (l < size && worse(scores[l], positions[l], scores[worst], positions[worst])) {
                worst = l;
            }
            if (r < size && worse(scores[r], positions[r], scores[worst], positions[worst])) {
                worst = r;
            }
            if (worst == i) {
                return;
            }
            swap(i, worst);
            i = worst;
        }
    }

    private void swap(int a, int b) {
        float s = scores[a];
        scores[a] = scores[b];
        scores[b] = s;
        int p = positions[a];
        positions[a] = positions[b];
        positions[b] = p;
    }
}
