package org.recsys4j.spec;

/**
 * Keras {@code Adam}: with step t counted from 1,
 * {@code m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 * w -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + epsilon)}, moments starting at zero
 * (TensorFlow's {@code ApplyAdam}; epsilon is added after the bias correction, as Keras does).
 *
 * <p>Unlike Adagrad, every row of an embedding table moves at every step: Keras's Adam decays both
 * moments of rows a batch does not touch and applies what their momentum leaves, so trainers
 * update tables whole.
 */
public record Adam(double learningRate, double beta1, double beta2, double epsilon) implements Optimizer {
    public static final double KERAS_BETA_1 = 0.9;
    public static final double KERAS_BETA_2 = 0.999;
    public static final double KERAS_EPSILON = 1e-7;

    public Adam {
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam's beta1 and beta2 must be in [0, 1), got " + beta1 + " and "
                    + beta2);
        }
        if (!(epsilon >= 0) || !Double.isFinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must not be negative, got " + epsilon);
        }
    }

    /** Keras defaults with the given learning rate. */
    public Adam(double learningRate) {
        this(learningRate, KERAS_BETA_1, KERAS_BETA_2, KERAS_EPSILON);
    }

    /** The step size of update {@code t} (from 1), bias corrections folded in. */
    public double stepSize(long t) {
        return learningRate * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
    }
}
