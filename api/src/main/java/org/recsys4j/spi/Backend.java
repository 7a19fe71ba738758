package org.recsys4j.spi;

import java.util.Map;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.ModelSpec;
import org.recsys4j.spec.Optimizer;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.vocab.StringLookup;

/**
 * A compute backend: compiles a {@link ModelSpec} (or its retrieval-only form, a
 * {@link RetrievalSpec}) for training and runs trained bundles.
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

    /**
     * A trainer for a model of towers and tasks ({@code Retrieval}, {@code Ranking}, weighted), with
     * Adagrad or Adam. A retrieval-only spec with Adagrad is {@link #trainer(RetrievalSpec, Map,
     * Weights, Adagrad, BackendOptions)}'s, and that is all this default trains; backends that train
     * ranking heads override it.
     */
    default Trainer trainer(ModelSpec spec, Map<String, StringLookup> vocabularies, Weights initial,
            Optimizer optimizer, BackendOptions options) {
        if (spec.retrievalOnly() && optimizer instanceof Adagrad adagrad) {
            return trainer(spec.retrieval(), vocabularies, initial, adagrad, options);
        }
        throw new UnsupportedOperationException("backend '" + name() + "' trains retrieval-only models with Adagrad;"
                + " this model has tasks " + spec.tasks().stream().map(t -> t.name()).toList() + " and " + optimizer);
    }

    /** Inference over a trained bundle: its towers on this backend's runtime. */
    Inference inference(ModelBundle bundle, BackendOptions options);
}
