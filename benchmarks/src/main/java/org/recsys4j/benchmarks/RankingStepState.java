package org.recsys4j.benchmarks;

import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.recsys4j.model.Initializers;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.ModelSpec;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.Backends;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.spi.Trainer;

/**
 * The ranking case of {@link TrainStepBenchmark}: TFRS basic ranking's model (user and title
 * embeddings of 32, a head of {@code Dense(256), Dense(64), Dense(1)}) on random batches, and its
 * floor: the head's dense products alone for the same batch, forward ({@code X W1}, {@code H1 W2},
 * {@code H2 W3}) and backward (each kernel's gradient and each input's, {@code dX} included, as the
 * embeddings need it): nine products, in TensorFlow for the TensorFlow trainer, as direct OpenBLAS
 * calls on one thread (the trainer's) for ND4J.
 */
@State(Scope.Benchmark)
public class RankingStepState {
    @Param({"nd4j", "tensorflow"})
    public String backend;

    @Param({"8192"})
    public int batchSize;

    private Trainer trainer;
    private List<FeatureBatch> batches;
    private int next;
    private final int[] widths = {64, 256, 64, 1};
    private INDArray[] activations;
    private INDArray[] gradients;
    private INDArray[] kernels;
    private INDArray[] kernelGradients;
    private TfHeadFloor tfFloor;
    /** Every way of the TensorFlow floor ({@link #floorWays}), by name. */
    private final Map<String, TfHeadFloor> tfFloors = new java.util.LinkedHashMap<>();

    @Setup(Level.Trial)
    public void setUp() {
        ModelSpec spec = RandomBatches.rankingSpec(32);
        trainer = Backends.get(backend).trainer(spec,
                Map.of("user_id", RandomBatches.users(), "movie_title", RandomBatches.titles()),
                Initializers.initialWeights(spec, 42), new Adagrad(0.1), new BackendOptions(
                        options()));
        batches = RandomBatches.rankingBatches(10, batchSize, 7);
        int layers = widths.length - 1;
        activations = new INDArray[widths.length];
        gradients = new INDArray[widths.length];
        kernels = new INDArray[layers];
        kernelGradients = new INDArray[layers];
        for (int l = 0; l < widths.length; l++) {
            activations[l] = Nd4j.rand(DataType.FLOAT, batchSize, widths[l]);
            gradients[l] = Nd4j.rand(DataType.FLOAT, batchSize, widths[l]);
        }
        for (int l = 0; l < layers; l++) {
            kernels[l] = Nd4j.rand(DataType.FLOAT, widths[l], widths[l + 1]);
            kernelGradients[l] = Nd4j.create(DataType.FLOAT, widths[l], widths[l + 1]);
        }
        if (backend.equals("tensorflow")) {
            int cores = Runtime.getRuntime().availableProcessors();
            var oneIntraOp = org.tensorflow.proto.ConfigProto.newBuilder().setIntraOpParallelismThreads(1)
                    .setInterOpParallelismThreads(cores).build();
            for (int chunks : new int[] {1, 2, 4}) {
                String rows = chunks == 1 ? "whole batch" : chunks + " row chunks";
                tfFloors.put(rows + ", default threads", new TfHeadFloor(batchSize, widths, chunks, null));
                tfFloors.put(rows + ", 1 intra-op and " + cores + " inter-op threads",
                        new TfHeadFloor(batchSize, widths, chunks, oneIntraOp));
            }
            // the variables' initial values
            tfFloors.values().forEach(TfHeadFloor::initialize);
            tfFloor = tfFloors.values().iterator().next();
        }
    }

    /**
     * {@code -Drecsys4j.xla=true}: XLA; {@code -Drecsys4j.trace=true}: TensorFlow's per-op times at the
     * end; {@code -Drecsys4j.options=KEY=VALUE,...}: any other backend option.
     */
    private Map<String, String> options() {
        Map<String, String> out = new java.util.HashMap<>();
        if (Boolean.getBoolean("recsys4j.xla")) {
            out.put("xla", "true");
        }
        if (Boolean.getBoolean("recsys4j.trace")) {
            out.put("trace", "true");
        }
        out.putAll(org.recsys4j.spi.BackendOptions.parseList(System.getProperty("recsys4j.options", ""),
                "recsys4j.options").values());
        return out;
    }

    Object step() {
        FeatureBatch b = batches.get(next);
        next = (next + 1) % batches.size();
        return trainer.trainStep(b);
    }

    /**
     * The nine products: through TensorFlow's own kernels and threads for the TensorFlow trainer,
     * through OpenBLAS on the one thread the ND4J trainer gives BLAS (each trainer's floor with its
     * own library and threads; OpenBLAS on both cores of this shared machine ran the same products
     * several times slower).
     */
    Object floor() {
        if (tfFloor != null) {
            tfFloor.run();
            return tfFloor;
        }
        int n = batchSize;
        for (int l = 0; l < kernels.length; l++) {
            gemm(activations[l], false, kernels[l], false, activations[l + 1], n, widths[l + 1], widths[l]);
        }
        for (int l = kernels.length - 1; l >= 0; l--) {
            gemm(activations[l], true, gradients[l + 1], false, kernelGradients[l], widths[l], widths[l + 1], n);
            gemm(gradients[l + 1], false, kernels[l], true, gradients[l], n, widths[l], widths[l + 1]);
        }
        return gradients[0];
    }

    /** {@code out[m, n] = op(a) op(b)}, row-major, inner dimension k. */
    private static void gemm(INDArray a, boolean ta, INDArray b, boolean tb, INDArray out, int m, int n, int k) {
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                ta ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                tb ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans, m, n, k, 1f, pointer(a),
                (int) a.columns(), pointer(b), (int) b.columns(), 0f, pointer(out), n);
    }

    private static FloatPointer pointer(INDArray x) {
        return (FloatPointer) x.data().pointer();
    }

    /**
     * The ways the TensorFlow floor's nine products can run, by name: the whole batch and the rows
     * in 2 or 4 chunks (as the trainer may cut them), each with TensorFlow's default threads and with
     * one intra-op thread and an inter-op thread per core. The floor is the fastest of them
     * ({@link RankingFloorCheck} times each); {@link #floor()} runs the first. Empty for ND4J.
     */
    java.util.Set<String> floorWays() {
        return tfFloors.keySet();
    }

    /** One run of the floor's way {@code name} ({@link #floorWays}). */
    Object floor(String name) {
        TfHeadFloor f = tfFloors.get(name);
        f.run();
        return f;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        trainer.close();
        tfFloors.values().forEach(TfHeadFloor::close);
    }
}
