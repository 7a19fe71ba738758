package org.recsys4j.examples.cli;

/**
 * How much the libraries under the command line say. The first lines a user sees are ours: the
 * libraries' SLF4J logs (ND4J's backend and thread notes among them) show at warn and above, or from
 * info with {@code --verbose}; native libraries' own output (TensorFlow's absl and MLIR lines, the
 * JVM's incubator notice) is kept off the terminal by the {@code recsys4j} launcher unless
 * {@code --verbose}.
 */
final class Logging {
    /** slf4j-simple's setting; a {@code -D} given by the user wins. */
    static final String SLF4J_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    private Logging() {
    }

    /** Before any library logs (slf4j-simple reads its settings once, on its first logger). */
    static void configure(boolean verbose) {
        if (verbose && System.getProperty(SLF4J_LEVEL) == null) {
            System.setProperty(SLF4J_LEVEL, "info");
        }
    }
}
