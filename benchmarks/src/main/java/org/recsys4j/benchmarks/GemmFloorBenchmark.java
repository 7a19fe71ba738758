package org.recsys4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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

/**
 * The floor of the plain in-batch softmax step: its three products alone (logits Q C^T, then
 * G C and G^T Q for the gradients), n x d x n each. {@code threeProducts} calls OpenBLAS directly
 * on every core, as the ND4J trainer does, and is the floor a plain training step is judged
 * against; {@code threeProductsThroughNd4j} makes the same calls through {@code Nd4j.gemm}, for
 * what ND4J's own dispatch adds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class GemmFloorBenchmark {
    @Param({"8192"})
    public int n;

    @Param({"32"})
    public int dim;

    private INDArray q;
    private INDArray c;
    private INDArray s;
    private INDArray gq;
    private INDArray gc;

    @Setup
    public void setUp() {
        openblas_nolapack.blas_set_num_threads(Runtime.getRuntime().availableProcessors());
        q = Nd4j.rand(DataType.FLOAT, n, dim);
        c = Nd4j.rand(DataType.FLOAT, n, dim);
        s = Nd4j.create(DataType.FLOAT, n, n);
        gq = Nd4j.create(DataType.FLOAT, n, dim);
        gc = Nd4j.create(DataType.FLOAT, n, dim);
    }

    @Benchmark
    public INDArray threeProducts() {
        FloatPointer pq = pointer(q);
        FloatPointer pc = pointer(c);
        FloatPointer ps = pointer(s);
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                openblas_nolapack.CblasTrans, n, n, dim, 1f, pq, dim, pc, dim, 0f, ps, n);
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                openblas_nolapack.CblasNoTrans, n, dim, n, 1f, ps, n, pc, dim, 0f, pointer(gq), dim);
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasTrans,
                openblas_nolapack.CblasNoTrans, n, dim, n, 1f, ps, n, pq, dim, 0f, pointer(gc), dim);
        return gc;
    }

    private static FloatPointer pointer(INDArray x) {
        return (FloatPointer) x.data().pointer();
    }

    @Benchmark
    public INDArray threeProductsThroughNd4j() {
        Nd4j.gemm(q, c, s, false, true, 1.0, 0.0);
        Nd4j.gemm(s, c, gq, false, false, 1.0, 0.0);
        return Nd4j.gemm(s, q, gc, true, false, 1.0, 0.0);
    }
}
