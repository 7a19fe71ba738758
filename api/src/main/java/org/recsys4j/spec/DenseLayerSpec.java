package org.recsys4j.spec;

import java.util.Objects;

/** A dense layer: {@code activation(x W + b)}, W initialised Glorot-uniform, b zero (Keras defaults). */
public record DenseLayerSpec(int units, Activation activation) implements HeadLayerSpec {
    public DenseLayerSpec {
        if (units <= 0) {
            throw new IllegalArgumentException("dense layer units must be positive, got " + units);
        }
        Objects.requireNonNull(activation, "activation");
    }

    @Override
    public int outputDim(int inputDim) {
        return units;
    }
}
