package org.recsys4j.nd4j;

import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.model.Tower;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.Inference;
import org.recsys4j.spi.Trainer;
import org.recsys4j.vocab.StringLookup;

/**
 * The ND4J backend: gradients written out over BLAS, with the exact duplicate-collapsing
 * in-batch softmax. Options: {@code collapse} ({@code true} by default; {@code false} computes the
 * plain n x n formulation in blocks) and {@code threads} (OpenMP threads of the native library).
 */
public final class Nd4jBackend implements Backend {
    public static final String NAME = "nd4j";

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
        boolean collapse = Boolean.parseBoolean(options.get("collapse", "true"));
        threads(options, collapse ? DEFAULT_THREADS : Runtime.getRuntime().availableProcessors());
        return new Nd4jTrainer(spec, vocabularies, initial, optimizer, collapse);
    }

    @Override
    public Inference inference(ModelBundle bundle, BackendOptions options) {
        threads(options, DEFAULT_THREADS);
        TowerNet q = new TowerNet(bundle.spec().query(), bundle.weights());
        TowerNet c = new TowerNet(bundle.spec().candidate(), bundle.weights());
        Tower query = new Nd4jTower(q, bundle.vocabulary(bundle.spec().query()));
        Tower candidate = new Nd4jTower(c, bundle.vocabulary(bundle.spec().candidate()));
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
                q.close();
                c.close();
            }
        };
    }

    /**
     * The collapsed batch's matrices (about 900 x 1200) are too small for a thread team to pay:
     * one thread ran an epoch in a third of the time two took, so one is the default there; the
     * plain n x n formulation gets every core. The setting is process-wide, as OpenMP's is.
     */
    static final int DEFAULT_THREADS = 1;

    private static void threads(BackendOptions options, int fallback) {
        int threads = options.intValue("threads", fallback);
        if (threads > 0) {
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
            org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        }
    }
}
