package org.recsys4j.spec;

/**
 * Keras {@code Adagrad}: {@code accum += g^2; w -= lr * g / (sqrt(accum) + epsilon)}, accumulators
 * starting at {@code initialAccumulatorValue}. Rows an embedding gradient does not touch are left
 * alone, as Keras's sparse update leaves them.
 */
public record Adagrad(double learningRate, double initialAccumulatorValue, double epsilon) implements Optimizer {
    public static final double KERAS_INITIAL_ACCUMULATOR = 0.1;
    public static final double KERAS_EPSILON = 1e-7;

    public Adagrad {
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
        }
        if (!(initialAccumulatorValue >= 0)) {
            throw new IllegalArgumentException("initial accumulator must not be negative");
        }
        if (!(epsilon >= 0)) {
            throw new IllegalArgumentException("epsilon must not be negative");
        }
    }

    /** Keras defaults with the given learning rate. */
    public Adagrad(double learningRate) {
        this(learningRate, KERAS_INITIAL_ACCUMULATOR, KERAS_EPSILON);
    }
}
