package org.recsys4j.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.testing.BackendConformance;

/**
 * The TensorFlow trainer against the conformance suite on each of its paths: the collapsed
 * in-batch softmax (the default, from shifted logits), the same by TensorFlow's softmax kernel, the
 * plain n x n one, and the collapsed one with its rows padded to a few shapes as under XLA.
 */
class TfTrainerTest extends BackendConformance {
    @Override
    protected Backend backend() {
        return new TensorFlowBackend();
    }

    /** A device TensorFlow has no type for, and a bad value, are refused by name before a graph is built. */
    @Test
    void badSettingsAreRefusedByName() {
        var c = org.recsys4j.testing.OptionsCase.all(1).get(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend().trainer(
                c.bundle().spec(), c.bundle().vocabularies(), c.bundle().weights(), new Adagrad(0.1),
                new BackendOptions(Map.of("device", "/XPU:0"))));
        assertEquals("backend option device of tensorflow: TensorFlow runs on CPU, GPU or TPU devices, not /XPU:0",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> backend().inference(c.bundle(),
                new BackendOptions(Map.of("xla", "on"))));
        assertEquals("backend option xla of tensorflow must be true or false, got 'on'", e.getMessage());
    }

    @Override
    protected List<BackendOptions> trainingOptions() {
        return List.of(new BackendOptions(Map.of("collapse", "true")), new BackendOptions(Map.of("collapse", "false")),
                new BackendOptions(Map.of("shifted_softmax", "false")), new BackendOptions(Map.of("xla", "true")));
    }
}
