package org.recsys4j.spec;

/** A layer of a ranking head: a {@link DenseLayerSpec} or a DCN {@link CrossLayerSpec}. */
public sealed interface HeadLayerSpec permits DenseLayerSpec, CrossLayerSpec {
    /** The width of the layer's output for an input of {@code inputDim} columns. */
    int outputDim(int inputDim);
}
