package org.recsys4j.spec;

/**
 * A layer of a ranking head: a {@link DenseLayerSpec} or a DCN {@link CrossLayerSpec}. In JSON a
 * {@code type} names which ({@code dense}, {@code cross}); without one (a tower's layers, written
 * before there were cross layers) it is dense.
 */
@com.fasterxml.jackson.annotation.JsonTypeInfo(use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.NAME,
        property = "type", defaultImpl = DenseLayerSpec.class)
@com.fasterxml.jackson.annotation.JsonSubTypes({
    @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = DenseLayerSpec.class, name = "dense"),
    @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = CrossLayerSpec.class, name = "cross")})
public sealed interface HeadLayerSpec permits DenseLayerSpec, CrossLayerSpec {
    /** The width of the layer's output for an input of {@code inputDim} columns. */
    int outputDim(int inputDim);
}
