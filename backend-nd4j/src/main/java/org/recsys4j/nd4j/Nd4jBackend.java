package org.recsys4j.nd4j;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.model.Tower;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.ModelSpec;
import org.recsys4j.spec.Optimizer;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.BackendOption;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.CloseGuard;
import org.recsys4j.spi.Inference;
import org.recsys4j.spi.Trainer;
import org.recsys4j.vocab.StringLookup;

/**
 * The ND4J backend: gradients written out over BLAS, with the exact duplicate-collapsing
 * in-batch softmax. Options: {@code collapse} ({@code true} by default; {@code false} computes the
 * plain n x n formulation in blocks) and {@code threads} (the most threads the softmax and ND4J's
 * own ops may use; 0 or unset: every core).
 */
public final class Nd4jBackend implements Backend {
    public static final String NAME = "nd4j";
    static final BackendOption COLLAPSE = BackendOption.bool("collapse", true, "the in-batch softmax over distinct"
            + " rows and columns (same loss and gradients); false: the plain n x n formulation, in blocks");
    static final BackendOption THREADS = BackendOption.count("threads", 0, "the most threads the softmax's workers"
            + " and ND4J's own ops use; 0: every core");

    @Override
    public List<BackendOption> options() {
        return List.of(COLLAPSE, THREADS);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "ND4J " + Nd4j.getBackend().getClass().getSimpleName() + " (" + Nd4j.getBackend().buildInfo()
                .lines().filter(l -> l.startsWith("BLAS") || l.contains("blas")).findFirst().orElse("BLAS") + ")";
    }

    @Override
    public Trainer trainer(RetrievalSpec spec, Map<String, StringLookup> vocabularies, Weights initial,
            Adagrad optimizer, BackendOptions options) {
        return trainer(ModelSpec.of(spec), vocabularies, initial, optimizer, options);
    }

    @Override
    public Trainer trainer(ModelSpec spec, Map<String, StringLookup> vocabularies, Weights initial,
            Optimizer optimizer, BackendOptions options) {
        options.validate(this);
        ForeignBlas.warnIfLoaded();
        Exp.prepare();
        SparseAdagrad.prepare();
        boolean collapse = options.flag(this, COLLAPSE);
        int threads = threads(options, Runtime.getRuntime().availableProcessors());
        return new Nd4jTrainer(spec, vocabularies, initial, optimizer, collapse, threads);
    }

    @Override
    public Inference inference(ModelBundle bundle, BackendOptions options) {
        options.validate(this);
        ForeignBlas.warnIfLoaded();
        threads(options, 1);
        TowerNet q = new TowerNet(bundle.spec().query(), bundle.weights());
        TowerNet c = new TowerNet(bundle.spec().candidate(), bundle.weights());
        CloseGuard guard = new CloseGuard("this ND4J inference");
        Tower query = new Nd4jTower(q, bundle.vocabulary(bundle.spec().query()), guard);
        Tower candidate = new Nd4jTower(c, bundle.vocabulary(bundle.spec().candidate()), guard);
        return new Inference() {
            @Override
            public Tower queryTower() {
                return query;
            }

            @Override
            public Tower candidateTower() {
                return candidate;
            }

            @Override
            public void close() {
                if (!guard.close()) {
                    return;
                }
                q.close();
                c.close();
            }
        };
    }

    /**
     * The threads a trainer may use (0 or unset: every core): the softmax's row blocks are shared
     * out among up to that many workers ({@link Parallel}), as many as the step's score matrix is
     * big enough for, each calling OpenBLAS on one thread; ND4J's own ops (OpenMP) get as many.
     * Process-wide, as OpenMP's setting is.
     */
    private int threads(BackendOptions options, int fallback) {
        int threads = options.count(this, THREADS);
        threads = threads == 0 ? fallback : threads;
        if (!NativeFloats.host()) {
            return 1; // one thread drives a device
        }
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        Nd4j.factory().blas().setMaxThreads(1);
        return threads;
    }
}
