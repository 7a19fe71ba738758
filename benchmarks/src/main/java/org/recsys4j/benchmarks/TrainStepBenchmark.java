package org.recsys4j.benchmarks;

import java.util.List;
import java.util.Map;
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
import org.recsys4j.model.Initializers;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.Backends;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.spi.StepResult;
import org.recsys4j.spi.Trainer;

/**
 * One training step of the seed config (dimension 32, batch 8192 by default) on each training
 * backend. Multiply by 10 steps for seconds per epoch of the 80,000-rating tutorial.
 *
 * <p>The ranking case ({@code rankingStep}, {@link RankingStepState}): a step of TFRS basic
 * ranking's model, and {@code rankingFloor}, its head's dense products alone for the same batch
 * (on TensorFlow the floor's first way: the whole batch on TensorFlow's default threads;
 * {@link RankingFloorCheck} times every way and takes the fastest); the goal is a step within 1.5
 * times the floor on the faster trainer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class TrainStepBenchmark {
    @Param({"nd4j", "tensorflow"})
    public String backend;

    @Param({"8192"})
    public int batchSize;

    @Param({"32"})
    public int dim;

    /** nd4j only: false runs the plain n x n in-batch softmax instead of the collapsed one. */
    @Param({"true"})
    public boolean collapse;

    private Trainer trainer;
    private List<FeatureBatch> batches;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        RetrievalSpec spec = RandomBatches.spec(dim);
        trainer = Backends.get(backend).trainer(spec,
                Map.of("user_id", RandomBatches.users(), "movie_title", RandomBatches.titles()),
                Initializers.initialWeights(spec, 42), new Adagrad(0.1),
                new BackendOptions(Map.of("collapse", Boolean.toString(collapse))));
        batches = RandomBatches.batches(10, batchSize, 7);
    }

    @Benchmark
    public StepResult trainStep() {
        FeatureBatch b = batches.get(next);
        next = (next + 1) % batches.size();
        return trainer.trainStep(b);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        trainer.close();
    }

    @Benchmark
    public Object rankingStep(RankingStepState ranking) {
        return ranking.step();
    }

    @Benchmark
    public Object rankingFloor(RankingStepState ranking) {
        return ranking.floor();
    }
}
