package org.recsys4j.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.recsys4j.index.BruteForceIndex;
import org.recsys4j.index.TopK;
import org.recsys4j.metrics.FactorizedTopK;
import org.recsys4j.model.Embeddings;

/**
 * The pure-Java hot paths: FactorizedTopK over the 20,000-rating test set against 1,682 movies,
 * and one brute-force top-10 query.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class MetricAndIndexBenchmark {
    @Param({"32"})
    public int dim;

    private Embeddings queries;
    private Embeddings positives;
    private Embeddings candidates;
    private FactorizedTopK metric;
    private BruteForceIndex index;
    private float[] query;

    @Setup
    public void setUp() {
        Random random = new Random(1);
        queries = gaussian(random, 20_000, dim);
        candidates = gaussian(random, 1682, dim);
        float[] p = new float[20_000 * dim];
        for (int i = 0; i < 20_000; i++) {
            System.arraycopy(candidates.data(), random.nextInt(1682) * dim, p, i * dim, dim);
        }
        positives = new Embeddings(p, 20_000, dim);
        String[] ids = new String[1682];
        Arrays.setAll(ids, i -> "movie " + i);
        metric = new FactorizedTopK(List.of(ids));
        index = new BruteForceIndex().index(List.of(ids), candidates);
        query = queries.row(0);
    }

    private static Embeddings gaussian(Random random, int rows, int dim) {
        float[] d = new float[rows * dim];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) random.nextGaussian();
        }
        return new Embeddings(d, rows, dim);
    }

    @Benchmark
    public double factorizedTopKOverTheTestSet() {
        metric.reset();
        metric.update(queries, positives, candidates);
        return metric.result().get(FactorizedTopK.metricName(100));
    }

    /** One query (the first test row) against the 1,682 candidates, top 10, in microseconds. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public TopK bruteForceTop10() {
        return index.search(query, 10);
    }
}
