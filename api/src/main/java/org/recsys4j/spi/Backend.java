package org.recsys4j.spi;

import java.util.Map;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.vocab.StringLookup;

/**
 * A compute backend: compiles a {@link RetrievalSpec} for training and runs trained bundles.
 * Implementations are found with {@link java.util.ServiceLoader} by {@link #name()}; see
 * {@link Backends}.
 */
public interface Backend {
    /** The name users select it by, e.g. {@code tensorflow}. */
    String name();

    /** What it runs on, for reports, e.g. "TensorFlow 2.18.0 (CPU)". */
    String description();

    /**
     * The settings it takes as {@code -O KEY=VALUE}, each with its type, default and help; any
     * other key is refused ({@link BackendOptions#validate}).
     */
    java.util.List<BackendOption> options();

    /** Whether {@link #trainer} is supported (an inference-only runtime says no). */
    default boolean canTrain() {
        return true;
    }

    /** A trainer for {@code spec}, starting from {@code initial} (see {@code Initializers}). */
    Trainer trainer(RetrievalSpec spec, Map<String, StringLookup> vocabularies, Weights initial, Adagrad optimizer,
            BackendOptions options);

    /** Inference over a trained bundle: its towers on this backend's runtime. */
    Inference inference(ModelBundle bundle, BackendOptions options);
}
