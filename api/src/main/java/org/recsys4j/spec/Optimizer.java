package org.recsys4j.spec;

/**
 * How a trainer turns gradients into updates: Keras {@link Adagrad} (the retrieval and ranking
 * tutorials) or Keras {@link Adam} (the DCN tutorial). Every backend applies the same formula. In
 * JSON a {@code type} names which ({@code adagrad}, {@code adam}); without one (written before Adam)
 * it is Adagrad.
 */
@com.fasterxml.jackson.annotation.JsonTypeInfo(use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.NAME,
        property = "type", defaultImpl = Adagrad.class)
@com.fasterxml.jackson.annotation.JsonSubTypes({
    @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = Adagrad.class, name = "adagrad"),
    @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = Adam.class, name = "adam")})
public sealed interface Optimizer permits Adagrad, Adam {
    /** The learning rate. */
    double learningRate();
}
