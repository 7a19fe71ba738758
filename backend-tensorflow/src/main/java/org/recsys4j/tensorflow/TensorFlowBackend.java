package org.recsys4j.tensorflow;

import java.util.Map;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.ModelSpec;
import org.recsys4j.spec.Optimizer;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.BackendOption;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.Inference;
import org.recsys4j.spi.Trainer;
import org.recsys4j.vocab.StringLookup;
import org.tensorflow.TensorFlow;

/**
 * The TensorFlow Java backend: specs become graphs run in a {@code Session}. Options:
 * {@code threads}, {@code ranking_chunks}, {@code xla}, {@code device}, {@code collapse} (default {@code true}: the
 * in-batch softmax over distinct rows; {@code false}: the plain n x n formulation), {@code shifted_softmax}
 * ({@link BlockedSoftmaxGraph}) and {@code trace}
 * (per-op times of the training steps, {@link OpTimes}). Found by {@code ServiceLoader} as
 * {@code tensorflow}.
 */
public final class TensorFlowBackend implements Backend {
    public static final String NAME = "tensorflow";
    static final BackendOption COLLAPSE = BackendOption.bool("collapse", true, "the in-batch softmax over distinct"
            + " rows and columns (same loss and gradients); false: the plain n x n formulation");
    static final BackendOption THREADS = BackendOption.count("threads", 0, "TensorFlow's intra- and inter-op"
            + " thread pools; 0: TensorFlow's default (every core)");
    static final BackendOption RANKING_CHUNKS = BackendOption.count("ranking_chunks", 0, "a ranking head runs once"
            + " per chunk of the batch's rows, chains the cores run side by side (with threads unset, a model of"
            + " ranking heads alone runs each op on cores/chunks threads); 0: one chunk per core in a model of"
            + " ranking heads alone on the CPU, else one");
    static final BackendOption XLA = BackendOption.bool("xla", false, "compile with XLA (global JIT, level ON_1);"
            + " on a CPU it also needs TF_XLA_FLAGS=--tf_xla_cpu_global_jit");
    static final BackendOption DEVICE = BackendOption.device("device", "place the graph on /CPU:0, /GPU:n or /TPU:n;"
            + " unset: TensorFlow chooses");
    static final BackendOption SHIFTED_SOFTMAX = BackendOption.bool("shifted_softmax", true, "the collapsed"
            + " in-batch softmax's exps from logits shifted by a bound on them, a step whose exps underflowed run again"
            + " by TensorFlow's softmax kernel; false: by the softmax kernel always (same loss within float rounding)");
    static final BackendOption TRACE = BackendOption.bool("trace", false, "run each training step under TensorFlow's"
            + " FULL_TRACE and print each op's median time when the trainer closes (the steps run slower)");

    @Override
    public java.util.List<BackendOption> options() {
        return java.util.List.of(COLLAPSE, SHIFTED_SOFTMAX, THREADS, RANKING_CHUNKS, XLA, DEVICE, TRACE);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "TensorFlow " + TensorFlow.version() + " (TensorFlow Java)";
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
        SessionConfig config = SessionConfig.from(this, options);
        if (config.xla()) {
            String warning = SessionConfig.xlaWarning();
            if (warning != null) {
                System.err.println("warning: " + warning);
            }
        }
        TfTrainer trainer = new TfTrainer(spec, vocabularies, initial, optimizer, config, options.flag(this, COLLAPSE),
                options.flag(this, SHIFTED_SOFTMAX));
        if (options.flag(this, TRACE)) {
            trainer.trace();
        }
        return trainer;
    }

    @Override
    public Inference inference(ModelBundle bundle, BackendOptions options) {
        options.validate(this);
        return new TfInference(bundle, SessionConfig.from(this, options));
    }
}
