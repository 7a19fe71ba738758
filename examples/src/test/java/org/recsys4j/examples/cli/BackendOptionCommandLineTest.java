package org.recsys4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -O KEY=VALUE} says no before any data is read: an unknown key or a bad value ends the run
 * with the message on stderr, and no output is written.
 */
class BackendOptionCommandLineTest {
    @TempDir
    Path tmp;

    /** The exit code, and what the run printed on stderr. */
    private record Run(int code, String err) {
    }

    private Run run(String... args) {
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
        return new Run(code, err.toString());
    }

    @Test
    void anUnknownKeyIsRefusedListingTheKeysOfTheBackendsInUse() throws Exception {
        Path out = tmp.resolve("models");
        // no data here: the options are checked first
        Run r = run("retrieval", "-O", "thread=2", "--data-dir", tmp.toString(), "--output-dir", out.toString());
        assertEquals(ExitCode.USAGE, r.code());
        assertTrue(r.err().startsWith("recsys4j: unknown backend option 'thread' for tensorflow; it takes:\n"
                + "  collapse (true or false; default true):"), r.err());
        assertTrue(r.err().contains("\n  threads (a whole number, 0 or more; default 0):"), r.err());
        assertFalse(Files.exists(out), "nothing is written");
        // with an inference-only backend, the trainer's keys count too, and both lists are shown
        r = run("retrieval", "--backend", "onnx", "-O", "xla-please=true", "--data-dir", tmp.toString());
        assertTrue(r.err().startsWith("recsys4j: unknown backend option 'xla-please' for onnx and tensorflow; onnx"
                + " takes:\n  threads"), r.err());
    }

    @Test
    void aBadValueIsRefusedNamingTheKeyAndTheBackend() {
        Run r = run("retrieval", "--backend", "nd4j", "-O", "collapse=maybe", "--data-dir", tmp.toString());
        assertEquals(ExitCode.USAGE, r.code());
        assertEquals("recsys4j: backend option collapse of nd4j must be true or false, got 'maybe'",
                r.err().lines().findFirst().orElse(""));
        r = run("retrieval", "--threads", "-3", "--data-dir", tmp.toString());
        assertEquals("recsys4j: backend option threads of tensorflow must be a whole number, 0 or more, got '-3'",
                r.err().lines().findFirst().orElse(""));
    }
}
