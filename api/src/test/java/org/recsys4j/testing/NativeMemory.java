package org.recsys4j.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.model.Initializers;
import org.recsys4j.spec.Activation;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.vocab.StringLookup;

/**
 * Whether closing frees a runtime's native memory at once, read from the process's resident
 * memory (Linux {@code /proc/self/status}): a model whose weights are mostly native (two 2,048 x
 * 2,048 dense kernels, 32 MB, with their optimizer state as much again) is opened, used and closed
 * again and again, each closed one kept reachable so that only its {@code close()} can have freed
 * anything (a cleaner or finalizer runs only on what is unreachable); the resident memory must
 * grow by less than half of what {@value #HELD} models kept open add.
 */
final class NativeMemory {
    /** Rounds of open, use, close; and how many are held open at once for the comparison. */
    private static final int ROUNDS = 4;
    private static final int HELD = 3;
    /** The most warm-up rounds, and the change under which a round counts as settled. */
    private static final int WARM_UP_ROUNDS = 10;
    private static final long SETTLED = 8L << 20;

    private NativeMemory() {
    }

    /** A bundle of about 32 MB of dense kernels and almost nothing else. */
    static ModelBundle largeDenseBundle() {
        StringLookup users = RetrievalCases.vocabulary(16, "u");
        StringLookup items = RetrievalCases.vocabulary(16, "i");
        RetrievalSpec spec = new RetrievalSpec(
                TowerSpec.embedding("query", "user_id", users.size(), 8).withDense(2048, Activation.RELU)
                        .withDense(2048, Activation.LINEAR),
                TowerSpec.embedding("candidate", "item", items.size(), 8).withDense(2048, Activation.RELU)
                        .withDense(2048, Activation.LINEAR),
                RetrievalTaskSpec.defaults());
        return new ModelBundle(spec, Map.of("user_id", users, "item", items), Initializers.initialWeights(spec, 5),
                null, null);
    }

    /** A batch of the large bundle: every user against every item once. */
    static FeatureBatch batch() {
        int[] u = IntStream.range(0, 16).toArray();
        return new FeatureBatch(Map.of("user_id", u, "item", u.clone()), null, u.length);
    }

    /**
     * Opens, uses and closes {@code open()}'s resources round after round, keeping each closed one
     * reachable (so that no cleaner can free what its close did not), then holds {@link #HELD}
     * open at once; the rounds must add less than half of what the held ones add. The Java heap's
     * garbage is collected before each reading.
     *
     * @param open opens one resource and uses it once (a training step, an embedding)
     */
    static void assertClosingFrees(String what, Supplier<AutoCloseable> open) {
        // warm-up: libraries, JIT and the allocators' arenas, until two rounds in a row add nothing (ONNX
        // Runtime took six here); memory that leaks never settles, and the rounds below show it
        long before = residentAfterGc();
        for (int i = 0, quiet = 0; i < WARM_UP_ROUNDS && quiet < 2; i++) {
            close(open.get());
            long now = residentAfterGc();
            quiet = Math.abs(now - before) < SETTLED ? quiet + 1 : 0;
            before = now;
        }
        List<AutoCloseable> closed = new ArrayList<>();
        List<AutoCloseable> held = new ArrayList<>();
        try {
            for (int i = 0; i < ROUNDS; i++) {
                AutoCloseable c = open.get();
                close(c);
                closed.add(c);
            }
            long afterRounds = residentAfterGc();
            for (int i = 0; i < HELD; i++) {
                held.add(open.get());
            }
            long whileHeld = residentAfterGc();
            long rounds = afterRounds - before;
            long kept = whileHeld - afterRounds;
            assertTrue(kept > 24L << 20, "holding " + HELD + " " + what + " open adds only " + mb(kept)
                    + ": the probe cannot see their memory");
            assertTrue(rounds < kept / 2, ROUNDS + " " + what + " opened and closed kept " + mb(rounds)
                    + " resident, against " + mb(kept) + " for " + HELD + " held open: closing does not free"
                    + " their native memory");
        } finally {
            held.forEach(NativeMemory::close);
            closed.clear();
        }
    }

    /**
     * The resident set less the Java heap's committed size, once the heap's garbage is collected
     * (which frees nothing still reachable): a collection may shrink or grow the heap by more than a
     * model's native memory (an in-memory ONNX export of this model allocates 160 MB of arrays).
     */
    private static long residentAfterGc() {
        System.gc();
        return residentBytes() - java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage()
                .getCommitted();
    }

    private static String mb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }

    private static void close(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The process's resident set size. */
    static long residentBytes() {
        Path status = Path.of("/proc/self/status");
        Assumptions.assumeTrue(Files.isReadable(status), "resident memory is read from /proc/self/status (Linux)");
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS line in " + status);
    }
}
