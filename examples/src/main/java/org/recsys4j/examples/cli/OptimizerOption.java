package org.recsys4j.examples.cli;

import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.Adam;
import org.recsys4j.spec.Optimizer;
import picocli.CommandLine.Option;

/** {@code --optimizer}: Keras Adagrad or Adam at the command's learning rate. */
final class OptimizerOption {
    @Option(names = "--optimizer", description = "adagrad or adam (Keras defaults besides the learning rate);"
            + " default: the tutorial's.")
    String optimizer;

    Optimizer get(String tutorialDefault, double learningRate) {
        String name = optimizer != null ? optimizer : tutorialDefault;
        return switch (name) {
            case "adagrad" -> new Adagrad(learningRate);
            case "adam" -> new Adam(learningRate);
            default -> throw new IllegalArgumentException("--optimizer must be adagrad or adam, got '" + name + "'");
        };
    }
}
