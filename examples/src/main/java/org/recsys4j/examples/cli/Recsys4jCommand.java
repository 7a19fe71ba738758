package org.recsys4j.examples.cli;

import javax.inject.Inject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

@Command(name = "recsys4j", mixinStandardHelpOptions = true, version = "recsys4j 0.1.0",
        description = "Two-tower retrieval models on the JVM: the TFRS MovieLens tutorials, export and serving.",
        subcommands = {QuickstartCommand.class, RetrievalCommand.class, RecommendCommand.class, ExportCommand.class,
                EfficientServingCommand.class, ItemToItemCommand.class, BaselineCommand.class, ServeCommand.class,
                TrainCommand.class, RankingCommand.class, MultitaskCommand.class, DcnCommand.class,
                SynthCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:the data, the model or another input file is missing, unreadable or malformed",
                "2:usage: an unknown command or option, a missing or bad value",
                "3:the run completed but its own check failed (e.g. the served models disagree)",
                "70:an internal error (a bug; the stack trace is printed)"})
final class Recsys4jCommand implements Runnable {
    static final String VERBOSE = "--verbose";

    @Spec
    CommandSpec spec;

    @Option(names = VERBOSE, scope = ScopeType.INHERIT, description = "Also show the libraries' info logs and the"
            + " native libraries' own output (TensorFlow, ND4J, OpenBLAS).")
    boolean verbose;

    @Inject
    Recsys4jCommand() {
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "name a command: " + String.join(", ", spec.subcommands().keySet()));
    }

    /** Whether --verbose was given, before the command or after it. */
    static boolean verbose(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
    }
}
