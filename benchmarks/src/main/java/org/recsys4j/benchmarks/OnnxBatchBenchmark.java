package org.recsys4j.benchmarks;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.recsys4j.index.TopK;
import org.recsys4j.model.Embeddings;

/**
 * Batch throughput of {@code retrieval.onnx}: all 943 users in one call, and 4,096 ids (users
 * repeated), top 10 of 1,682 each. Users per second = batch / (ms per op) * 1000. The Java
 * brute-force index does the same batch (query tower, then its parallel search) for comparison.
 * Run it as {@link OnnxSingleQueryBenchmark} says.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class OnnxBatchBenchmark {
    @Param("../shared/data/ml-100k")
    public String data;

    @Param("")
    public String bundle;

    @Param("0")
    public int threads;

    @Param({"943", "4096"})
    public int batch;

    private RetrievalFixture fixture;
    private List<String> ids;
    private String[] idArray;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        fixture = new RetrievalFixture(data, bundle, threads);
        ids = fixture.batch(batch);
        idArray = ids.toArray(String[]::new);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        fixture.close();
    }

    @Benchmark
    public List<TopK> onnxRetrievalModel() {
        return fixture.onnx.query(ids, 10);
    }

    @Benchmark
    public List<TopK> javaBruteForceIndex() {
        Embeddings queries = fixture.javaQueryTower.embed(idArray);
        return fixture.java.search(queries, 10);
    }
}
