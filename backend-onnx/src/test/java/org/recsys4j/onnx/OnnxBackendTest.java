package org.recsys4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.model.Initializers;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spi.Backend;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.spi.Backends;
import org.recsys4j.spi.Inference;

/** The backend as ServiceLoader finds it, and the session options it takes. */
class OnnxBackendTest {
    @Test
    void isFoundByNameAndServesButDoesNotTrain() {
        Backend onnx = Backends.get("onnx");
        assertInstanceOf(OnnxBackend.class, onnx);
        assertFalse(onnx.canTrain());
        assertTrue(onnx.description().startsWith("ONNX Runtime 1."), onnx.description());
        ModelBundle bundle = MovieLensBundles.syntheticEmbeddingOnly();
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> onnx.trainer(bundle.spec(), bundle.vocabularies(), Initializers.initialWeights(bundle.spec(), 1),
                        new Adagrad(0.1), BackendOptions.none()));
        assertTrue(e.getMessage().contains("train with a training backend such as tensorflow"), e.getMessage());
    }

    @Test
    void threadsAndCpuPlacementAreApplied() {
        ModelBundle bundle = MovieLensBundles.syntheticWithDenseLayers();
        BackendOptions options = new BackendOptions(Map.of("threads", "1", "device", "/CPU:0"));
        try (Inference inference = new OnnxBackend().inference(bundle, options)) {
            assertEquals("CPU, 1 intra-op threads", ((OnnxInference) inference).placement());
            assertTrue(inference.queryTower().embed("1", "2").maxAbsDifference(bundle.javaQueryTower().embed("1", "2"))
                    < 1e-5);
        }
    }

    @Test
    void aGpuWithoutTheCudaBuildIsAClearError() {
        if (OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            return; // the onnxruntime_gpu build is on the class path: /GPU:0 is then a real request
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new OnnxBackend()
                .inference(MovieLensBundles.syntheticEmbeddingOnly(), new BackendOptions(Map.of("device", "/GPU:0"))));
        assertTrue(e.getMessage().contains("onnxruntime_gpu"), e.getMessage());
    }

    @Test
    void badOptionsAreNamed() {
        ModelBundle bundle = MovieLensBundles.syntheticEmbeddingOnly();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new OnnxBackend().inference(bundle, new BackendOptions(Map.of("device", "/TPU:0"))));
        assertTrue(e.getMessage().contains("/TPU:0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new OnnxBackend().inference(bundle, new BackendOptions(Map.of("threads", "-2"))));
        assertTrue(e.getMessage().contains("threads"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new OnnxBackend().inference(bundle, new BackendOptions(Map.of("device", "/GPU:x"))));
        assertTrue(e.getMessage().contains("/GPU:x"), e.getMessage());
    }
}
