package org.recsys4j.examples.cli;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The exit codes of {@code recsys4j}, as picocli and most Unix tools use them: 0 for success, 1 when the
 * input is at fault, 2 when the command line is (README, "Exit codes"). Scripts can tell "fix the data"
 * from "fix the flags" from "report a bug".
 *
 * <p>A command reports a problem by throwing; {@link Main#run} prints {@code recsys4j: MESSAGE} on
 * standard error and exits with the code {@link #of} gives. So a new command needs no handling of its own:
 * <ul>
 *   <li>a bad flag value: {@link IllegalArgumentException} (or picocli's {@code ParameterException}),
 *       exit {@link #USAGE};</li>
 *   <li>bad data or a damaged model: an {@link IOException} whose message names the file (such as
 *       {@code MalformedDataException} or {@code BundleFormatException}), or an {@link IllegalStateException}
 *       or {@link UnsupportedOperationException} saying what cannot be done with it, exit {@link #DATA_ERROR};</li>
 *   <li>a run that completed but failed its own check: the command returns {@link #CHECK_FAILED};</li>
 *   <li>anything else is a bug: the stack trace is printed, exit {@link #INTERNAL_ERROR}.</li>
 * </ul>
 */
public final class ExitCode {
    /** The command did what was asked. */
    public static final int OK = 0;
    /** The data, the model or another input file is missing, unreadable or malformed. */
    public static final int DATA_ERROR = 1;
    /** The command line is wrong: an unknown command or option, a missing or bad value (picocli's code). */
    public static final int USAGE = 2;
    /** The run completed but its own consistency check failed (e.g. the served models disagree). */
    public static final int CHECK_FAILED = 3;
    /** A bug in recsys4j: {@code EX_SOFTWARE} of BSD's sysexits.h. */
    public static final int INTERNAL_ERROR = 70;

    private ExitCode() {
    }

    /** The code for a command that threw {@code e}. */
    public static int of(Throwable e) {
        if (e instanceof IllegalArgumentException) {
            return USAGE;
        }
        if (e instanceof IOException || e instanceof UncheckedIOException || e instanceof IllegalStateException
                || e instanceof UnsupportedOperationException) {
            return DATA_ERROR;
        }
        return INTERNAL_ERROR;
    }
}
