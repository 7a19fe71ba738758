package org.recsys4j.examples.cli;

import java.util.Map;
import javax.inject.Provider;
import picocli.CommandLine;

/** The {@code recsys4j} command line. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        Map<Class<?>, Provider<Object>> commands = DaggerCli.create().commands();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                Provider<Object> p = commands.get(cls);
                return p != null ? cls.cast(p.get()) : CommandLine.defaultFactory().create(cls);
            }
        };
        CommandLine cli = new CommandLine(Recsys4jCommand.class, factory);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // A clear one-line error for what a user can fix; the stack trace only for our bugs.
            if (e instanceof java.io.IOException || e instanceof IllegalArgumentException
                    || e instanceof IllegalStateException || e instanceof UnsupportedOperationException) {
                commandLine.getErr().println("recsys4j: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli.execute(args);
    }
}
