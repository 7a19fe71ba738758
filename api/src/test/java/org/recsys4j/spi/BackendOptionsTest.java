package org.recsys4j.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.vocab.StringLookup;

/** Settings that say no: each rejection, and its message as a user reads it. */
class BackendOptionsTest {
    private static final BackendOption COLLAPSE = BackendOption.bool("collapse", true, "collapse duplicates");
    private static final BackendOption THREADS = BackendOption.count("threads", 0, "threads; 0: every core");
    private static final BackendOption DEVICE = BackendOption.device("device", "where to run");
    private static final Backend TRAINER = new Declared("trainer", List.of(COLLAPSE, THREADS));
    private static final Backend SERVER = new Declared("server", List.of(THREADS, DEVICE));

    private static IllegalArgumentException refused(Map<String, String> values, Backend... backends) {
        return assertThrows(IllegalArgumentException.class,
                () -> new BackendOptions(values).validate(List.of(backends)));
    }

    @Test
    void aListOfSettingsIsReadFromOneText() {
        assertEquals(Map.of("threads", "2", "collapse", "false"),
                BackendOptions.parseList(" threads = 2,, collapse=false ", "backendOptions").values());
        assertEquals(Map.of(), BackendOptions.parseList("", "backendOptions").values());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackendOptions.parseList("threads=2, =1", "recsys4j.options"));
        assertEquals("recsys4j.options: expected KEY=VALUE, got '=1'", e.getMessage());
    }

    @Test
    void anUnknownKeyIsRefusedListingTheKnownOnes() {
        assertEquals("unknown backend option 'thread' for trainer; it takes:\n"
                + "  collapse (true or false; default true): collapse duplicates\n"
                + "  threads (a whole number, 0 or more; default 0): threads; 0: every core",
                refused(Map.of("thread", "2"), TRAINER).getMessage());
    }

    @Test
    void aKeyNoBackendInUseTakesIsRefusedListingEach() {
        assertEquals("unknown backend option 'xla' for trainer and server; trainer takes:\n"
                + "  collapse (true or false; default true): collapse duplicates\n"
                + "  threads (a whole number, 0 or more; default 0): threads; 0: every core\n"
                + "server takes:\n"
                + "  threads (a whole number, 0 or more; default 0): threads; 0: every core\n"
                + "  device (a device such as /CPU:0 or /GPU:0): where to run",
                refused(Map.of("xla", "true"), TRAINER, SERVER).getMessage());
        // a key one of them takes passes, and each backend is handed its own
        BackendOptions both = new BackendOptions(Map.of("collapse", "false", "device", "/GPU:1", "threads", "2"))
                .validate(List.of(TRAINER, SERVER));
        assertEquals(Map.of("collapse", "false", "threads", "2"), both.only(TRAINER).values());
        assertEquals(Map.of("device", "/GPU:1", "threads", "2"), both.only(SERVER).values());
    }

    @Test
    void aBooleanIsTrueOrFalse() {
        assertEquals("backend option collapse of trainer must be true or false, got 'yes'",
                refused(Map.of("collapse", "yes"), TRAINER).getMessage());
        assertEquals("backend option collapse of trainer must be true or false, got ''",
                refused(Map.of("collapse", ""), TRAINER).getMessage());
        BackendOptions upper = new BackendOptions(Map.of("collapse", " FALSE "));
        assertEquals(false, upper.validate(TRAINER).flag(TRAINER, COLLAPSE));
    }

    @Test
    void aCountIsAWholeNumberZeroOrMore() {
        for (String bad : List.of("two", "-1", "1.5", "99999999999", "0x10")) {
            assertEquals("backend option threads of trainer must be a whole number, 0 or more, got '" + bad + "'",
                    refused(Map.of("threads", bad), TRAINER).getMessage());
        }
        assertEquals(3, new BackendOptions(Map.of("threads", "3")).count(TRAINER, THREADS));
    }

    @Test
    void aDeviceLooksLikeCpu0OrGpu0() {
        for (String bad : List.of("GPU:x", "/GPU:0:1", "gpu-0", ":0")) {
            assertEquals("backend option device of server must be a device such as /CPU:0 or /GPU:0, got '" + bad
                    + "'", refused(Map.of("device", bad), SERVER).getMessage());
        }
        assertEquals(new TextValues.Device("GPU", 1),
                new BackendOptions(Map.of("device", "/device:gpu:1")).device(SERVER, DEVICE));
        assertEquals(new TextValues.Device("CPU", 0),
                new BackendOptions(Map.of("device", "CPU")).device(SERVER, DEVICE));
        assertNull(BackendOptions.none().device(SERVER, DEVICE), "unset: the runtime decides");
    }

    @Test
    void aLongValueIsCutInTheMessage() {
        String huge = "9".repeat(20_000);
        assertEquals("backend option threads of trainer must be a whole number, 0 or more, got '" + "9".repeat(80)
                + "...' (20000 characters)", refused(Map.of("threads", huge), TRAINER).getMessage());
    }

    @Test
    void defaultsApplyAndTheOptionsAreReturned() {
        BackendOptions none = BackendOptions.none();
        assertSame(none, none.validate(TRAINER));
        assertEquals(true, none.flag(TRAINER, COLLAPSE));
        assertEquals(0, none.count(TRAINER, THREADS));
        assertEquals("backend option threads is a whole number, 0 or more, not true or false",
                assertThrows(IllegalArgumentException.class, () -> none.flag(TRAINER, THREADS)).getMessage());
    }

    /** A backend that only declares options. */
    private record Declared(String name, List<BackendOption> options) implements Backend {
        @Override
        public String description() {
            return name;
        }

        @Override
        public Trainer trainer(RetrievalSpec spec, Map<String, StringLookup> vocabularies, Weights initial,
                Adagrad optimizer, BackendOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Inference inference(ModelBundle bundle, BackendOptions options) {
            throw new UnsupportedOperationException();
        }
    }
}
