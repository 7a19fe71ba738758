package org.recsys4j.spec;

/** The activations a dense layer may end with; names as Keras spells them. */
public enum Activation {
    LINEAR, RELU, TANH, SIGMOID;

    /** The activation of {@code x}. */
    public float apply(float x) {
        return switch (this) {
            case LINEAR -> x;
            case RELU -> x > 0 ? x : 0f;
            case TANH -> (float) Math.tanh(x);
            case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-x)));
        };
    }
}
