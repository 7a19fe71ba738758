package org.recsys4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One run of the command line in this JVM: its exit code and what it wrote to standard output and error. */
record CliRun(int code, String out, String err) {
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Asserts a successful run, showing standard error when it was not. */
    CliRun ok() {
        assertEquals(ExitCode.OK, code, () -> "exit code " + code + "; stderr:\n" + err);
        return this;
    }

    /** Asserts the exit code and that standard error says every one of {@code fragments}. */
    CliRun fails(int expected, String... fragments) {
        assertEquals(expected, code, () -> "exit code; stderr:\n" + err);
        for (String f : fragments) {
            assertTrue(err.contains(f), () -> "stderr should say '" + f + "', it says:\n" + err);
        }
        assertTrue(err.startsWith("recsys4j: "), () -> "stderr starts with our own line:\n" + err);
        return this;
    }
}
