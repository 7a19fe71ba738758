package org.recsys4j.onnx;

import org.recsys4j.spi.Backend;
import org.recsys4j.testing.InferenceConformance;

/** ONNX Runtime serves what the training backends train: the inference part of the conformance suite. */
class OnnxConformanceTest extends InferenceConformance {
    @Override
    protected Backend backend() {
        return new OnnxBackend();
    }
}
