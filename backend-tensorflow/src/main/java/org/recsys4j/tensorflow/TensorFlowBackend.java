package org.recsys4j.tensorflow;

import java.util.Map;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.Inference;
import org.recsys4j.spi.Trainer;
import org.recsys4j.vocab.StringLookup;
import org.tensorflow.TensorFlow;

/**
 * The TensorFlow Java backend: specs become graphs run in a {@code Session}. Options:
 * {@code threads}, {@code xla}, {@code device}, and {@code collapse} (default {@code true}: the
 * in-batch softmax over distinct rows; {@code false}: the plain n x n formulation). Found by {@code ServiceLoader} as
 * {@code tensorflow}.
 */
public final class TensorFlowBackend implements Backend {
    public static final String NAME = "tensorflow";

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
        SessionConfig config = SessionConfig.from(options);
        if (config.xla()) {
            String warning = SessionConfig.xlaWarning();
            if (warning != null) {
                System.err.println("warning: " + warning);
            }
        }
        return new TfTrainer(spec, vocabularies, initial, optimizer, config,
                Boolean.parseBoolean(options.get("collapse", "true")));
    }

    @Override
    public Inference inference(ModelBundle bundle, BackendOptions options) {
        return new TfInference(bundle, SessionConfig.from(options));
    }
}
