package org.recsys4j.spec;

/**
 * How a trainer turns gradients into updates: Keras {@link Adagrad} (the retrieval and ranking
 * tutorials) or Keras {@link Adam} (the DCN tutorial). Every backend applies the same formula.
 */
public sealed interface Optimizer permits Adagrad, Adam {
    double learningRate();
}
