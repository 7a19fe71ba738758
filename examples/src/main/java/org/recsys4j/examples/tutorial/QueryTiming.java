package org.recsys4j.examples.tutorial;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.recsys4j.index.Index;
import org.recsys4j.index.TopK;

/**
 * Single-threaded query timing, the way a serving thread sees an index: one query at a time, on
 * the calling thread, after a warm-up so the JIT has compiled the search. Also recall against
 * exact answers.
 */
public final class QueryTiming {
    /**
     * Queries answered per second (wall clock), the timing thread's CPU time per query (what a
     * query costs on a machine others share, where the wall clock also counts their time), and the
     * answers of the first timed pass.
     */
    public record Measurement(double queriesPerSecond, double cpuMicrosPerQuery, long queriesTimed, double seconds,
            List<TopK> answers) {
    }

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private QueryTiming() {
    }

    /**
     * Warms up on the first {@code warmUp} queries, then answers all of them in passes until at
     * least {@code minSeconds} have gone by (one pass at least), and counts.
     */
    public static Measurement time(Index index, float[][] queries, int k, int warmUp, double minSeconds) {
        for (int i = 0; i < Math.min(warmUp, queries.length); i++) {
            index.search(queries[i], k);
        }
        List<TopK> answers = new ArrayList<>(queries.length);
        long start = System.nanoTime();
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long timed = 0;
        double elapsed;
        do {
            for (float[] q : queries) {
                TopK top = index.search(q, k);
                if (answers.size() < queries.length) {
                    answers.add(top);
                }
            }
            timed += queries.length;
            elapsed = (System.nanoTime() - start) / 1e9;
        } while (elapsed < minSeconds);
        double cpuMicros = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e3 / timed;
        return new Measurement(timed / elapsed, cpuMicros, timed, elapsed, answers);
    }

    /** The mean over queries of |approximate top k ∩ exact top k| / k. */
    public static double recall(List<TopK> approximate, List<TopK> exact, int k) {
        if (approximate.size() != exact.size()) {
            throw new IllegalArgumentException(approximate.size() + " answers against " + exact.size());
        }
        double sum = 0;
        for (int i = 0; i < exact.size(); i++) {
            List<String> truth = exact.get(i).identifiers();
            Set<String> expected = new HashSet<>(truth.subList(0, Math.min(k, truth.size())));
            List<String> got = approximate.get(i).identifiers();
            int hits = 0;
            for (String id : got.subList(0, Math.min(k, got.size()))) {
                hits += expected.contains(id) ? 1 : 0;
            }
            sum += expected.isEmpty() ? 1.0 : (double) hits / expected.size();
        }
        return exact.isEmpty() ? 0 : sum / exact.size();
    }
}
