package org.recsys4j.onnx;

import ai.onnxruntime.OrtEnvironment;
import java.util.Map;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.BackendOption;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.Inference;
import org.recsys4j.spi.Trainer;
import org.recsys4j.vocab.StringLookup;

/**
 * The ONNX Runtime backend: runs trained bundles as exported ONNX models; it does not train.
 * Options: {@code threads} (intra-op pool) and {@code device} (see {@link OrtSessions}). Found by
 * {@code ServiceLoader} as {@code onnx}.
 */
public final class OnnxBackend implements Backend {
    public static final String NAME = "onnx";
    static final BackendOption THREADS = BackendOption.count("threads", 0, "ONNX Runtime's intra-op thread pool;"
            + " 0: its default, a thread per core");
    static final BackendOption DEVICE = BackendOption.device("device", "/CPU:0, or /GPU:n for the CUDA execution"
            + " provider (the onnxruntime_gpu build); unset: CUDA when it answers, else the CPU");

    @Override
    public java.util.List<BackendOption> options() {
        return java.util.List.of(THREADS, DEVICE);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "ONNX Runtime " + OrtSessions.environment().getVersion() + " (execution providers "
                + OrtEnvironment.getAvailableProviders() + ")";
    }

    @Override
    public boolean canTrain() {
        return false;
    }

    @Override
    public Trainer trainer(RetrievalSpec spec, Map<String, StringLookup> vocabularies, Weights initial,
            Adagrad optimizer, BackendOptions options) {
        throw new UnsupportedOperationException("the onnx backend only runs trained models (ONNX Runtime has no"
                + " trainer here); train with a training backend such as tensorflow, then evaluate and serve the"
                + " bundle with onnx");
    }

    /** The bundle's towers exported to ONNX in memory and run by ONNX Runtime. */
    @Override
    public Inference inference(ModelBundle bundle, BackendOptions options) {
        return OnnxInference.fromBundle(bundle, options);
    }
}
