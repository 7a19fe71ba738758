package org.recsys4j.examples.cli;

import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import javax.inject.Provider;
import picocli.CommandLine;

/**
 * The {@code recsys4j} command line: picocli parses, Dagger builds the command, and every failure
 * becomes one line on standard error and an {@link ExitCode}.
 */
public final class Main {
    /**
     * Where the launcher sends our standard error when it sends the native libraries' (file descriptor
     * 2) elsewhere, e.g. {@code /dev/fd/3}: see the {@code recsys4j} script.
     */
    static final String STDERR_PROPERTY = "recsys4j.stderr";
    /** The line the launcher looks for in the native log: see {@link #redirectStderr}. */
    static final String STARTED = "recsys4j: started";

    private Main() {
    }

    public static void main(String[] args) {
        redirectStderr();
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(out, err, args));
    }

    /** Runs a command on the process's standard output and error. */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /**
     * Runs a command: results go to {@code out}; errors, warnings and notes to {@code err}, where tests
     * read them.
     *
     * @return the exit code, one of {@link ExitCode}'s
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        Map<Class<?>, Provider<Object>> commands = DaggerCli.factory().create(new Output(out, err)).commands();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                Provider<Object> p = commands.get(cls);
                return p != null ? cls.cast(p.get()) : CommandLine.defaultFactory().create(cls);
            }
        };
        CommandLine cli = new CommandLine(Recsys4jCommand.class, factory);
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler(Main::usageError);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> failed(e, commandLine));
        cli.setExecutionStrategy(parseResult -> {
            Logging.configure(Recsys4jCommand.verbose(parseResult));
            return new CommandLine.RunLast().execute(parseResult);
        });
        try {
            return cli.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        PrintWriter err = commandLine.getErr();
        err.println("recsys4j: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        tryHelp(commandLine);
        return ExitCode.USAGE;
    }

    /** A clear line for what a user can fix; the stack trace only for our bugs. */
    private static int failed(Exception e, CommandLine commandLine) {
        PrintWriter err = commandLine.getErr();
        int code = ExitCode.of(e);
        if (code == ExitCode.INTERNAL_ERROR) {
            err.println("recsys4j: internal error, please report it with this trace (and the output of the same"
                    + " command with --verbose):");
            e.printStackTrace(err);
        } else {
            err.println("recsys4j: " + message(e));
            if (code == ExitCode.USAGE) {
                tryHelp(commandLine);
            }
        }
        return code;
    }

    private static void tryHelp(CommandLine commandLine) {
        commandLine.getErr().println("Try '" + commandLine.getCommandSpec().qualifiedName() + " --help' for more"
                + " information.");
    }

    /** The message, with what the JDK leaves out of its file exceptions' messages. */
    static String message(Throwable e) {
        if (e instanceof UncheckedIOException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof NoSuchFileException f && f.getReason() == null) {
            return f.getFile() + ": no such file or directory";
        }
        if (e instanceof AccessDeniedException f && f.getReason() == null) {
            return f.getFile() + ": permission denied";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** Our standard error to where the launcher asks (the terminal), while native libraries write to fd 2. */
    private static void redirectStderr() {
        String target = System.getProperty(STDERR_PROPERTY);
        if (target == null || target.isEmpty()) {
            return;
        }
        // tells the launcher that the JVM got this far (its own failures to start are shown, not hidden)
        System.err.println(STARTED);
        try {
            String encoding = System.getProperty("sun.stderr.encoding");
            Charset charset = encoding != null ? Charset.forName(encoding) : Charset.defaultCharset();
            System.setErr(new PrintStream(new FileOutputStream(target, true), true, charset));
        } catch (FileNotFoundException | SecurityException e) {
            System.err.println("recsys4j: cannot write to " + target + " (" + e.getMessage() + "); messages stay here");
        }
    }
}
