package org.recsys4j.tensorflow;

import java.util.List;
import java.util.Map;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.testing.BackendConformance;

/**
 * The TensorFlow trainer against the conformance suite on each of its paths: the collapsed
 * in-batch softmax (the default), the plain n x n one, and the collapsed one with its rows padded
 * to a few shapes as under XLA.
 */
class TfTrainerTest extends BackendConformance {
    @Override
    protected Backend backend() {
        return new TensorFlowBackend();
    }

    @Override
    protected List<BackendOptions> trainingOptions() {
        return List.of(new BackendOptions(Map.of("collapse", "true")), new BackendOptions(Map.of("collapse", "false")),
                new BackendOptions(Map.of("xla", "true")));
    }
}
