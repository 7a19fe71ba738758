package org.recsys4j.examples.cli;

import javax.inject.Inject;
import picocli.CommandLine.Command;

@Command(name = "recsys4j", mixinStandardHelpOptions = true, version = "recsys4j 0.1.0",
        description = "Two-tower retrieval models on the JVM: the TFRS MovieLens tutorials, export and serving.",
        subcommands = {QuickstartCommand.class, RetrievalCommand.class, RecommendCommand.class, ExportCommand.class,
                EfficientServingCommand.class, ItemToItemCommand.class, BaselineCommand.class, ServeCommand.class})
final class Recsys4jCommand implements Runnable {
    @Inject
    Recsys4jCommand() {
    }

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "name a command: quickstart, retrieval, recommend, export, efficient-serving, item-to-item, "
                + "baseline or serve");
    }
}
