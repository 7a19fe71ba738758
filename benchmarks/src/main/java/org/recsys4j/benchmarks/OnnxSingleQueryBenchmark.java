package org.recsys4j.benchmarks;

import java.io.IOException;
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

/**
 * Latency of one raw user id through {@code retrieval.onnx} in ONNX Runtime (lookup, query tower,
 * 1,682 scores, top 10, titles), sampled so JMH reports p50 and p99; the plain-Java brute-force
 * index answers the same query for comparison. Users cycle so no answer is cached anywhere.
 *
 * <pre>{@code
 * java -cp "benchmarks/target/recsys4j-benchmarks-0.1.0-SNAPSHOT.jar:benchmarks/target/lib/*" \
 *     org.openjdk.jmh.Main 'Onnx.*' -p data=../shared/data/ml-100k [-p bundle=models/retrieval]
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class OnnxSingleQueryBenchmark {
    @Param("../shared/data/ml-100k")
    public String data;

    /** A trained bundle directory; empty: the tutorial's towers at their initial weights. */
    @Param("")
    public String bundle;

    /** ONNX Runtime intra-op threads; 0: its default, one per core. */
    @Param("0")
    public int threads;

    private RetrievalFixture fixture;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        fixture = new RetrievalFixture(data, bundle, threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        fixture.close();
    }

    private String nextUser() {
        next = (next + 1) % fixture.users.size();
        return fixture.users.get(next);
    }

    @Benchmark
    public TopK onnxRetrievalModel() {
        return fixture.onnx.query(nextUser(), 10);
    }

    @Benchmark
    public TopK javaBruteForceIndex() {
        return fixture.java.query(nextUser(), 10);
    }
}
