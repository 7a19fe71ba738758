package org.recsys4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark MLlib's native BLAS, loaded into a JVM that trains on ND4J, is found by the ND4J backend
 * and named in a warning with the remedy; with the remedy's properties it is not loaded and
 * nothing is said. Each case in a JVM of its own ({@link NetlibBlasProbe}).
 */
class ForeignBlasTest {
    private static final String MLLIB = "probe: MLlib's native BLAS: ";
    /** The warning, as a logger writes it on one line (level, class, message). */
    private static final Pattern WARNING = Pattern.compile("WARN.*ForeignBlas\\W+another BLAS,"
            + " /\\S*/lib\\w*blas[\\w.]*\\.so[.0-9]*, is loaded in this JVM beside ND4J's OpenBLAS;"
            + ".*-Ddev\\.ludovic\\.netlib\\.blas\\.nativeLib=none.*");

    @TempDir
    Path scratch;

    @Test
    void mllibsNativeBlasIsNamedAtTheNextStartOfTheNd4jBackend() throws Exception {
        String out = probe();
        int loaded = out.indexOf(MLLIB);
        assertTrue(loaded >= 0 && out.contains("probe: done"), out);
        assumeTrue(out.startsWith("dev.ludovic.netlib.blas.JNIBLAS", loaded + MLLIB.length()),
                "MLlib found no native BLAS here (no libblas.so.3), so there is none to find: " + out);
        assertFalse(WARNING.matcher(out.substring(0, loaded)).find(), "nothing to say before MLlib: " + out);
        assertEquals(1, WARNING.matcher(out.substring(loaded)).results().count(), out);
    }

    @Test
    void theRemedyItNamesKeepsTheSystemBlasOut() throws Exception {
        String out = probe("-Ddev.ludovic.netlib.blas.nativeLib=none", "-Ddev.ludovic.netlib.lapack.nativeLib=none");
        assertTrue(out.contains("probe: done"), out);
        assertFalse(out.contains(MLLIB + "dev.ludovic.netlib.blas.JNIBLAS"), out);
        assertFalse(out.contains("another BLAS"), out);
    }

    /** {@link NetlibBlasProbe}'s standard error (and output), run with {@code properties}. */
    private String probe(String... properties) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.addAll(List.of(properties));
        command.add("-Dlog4j2.configurationFile=log4j2-test.properties");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(NetlibBlasProbe.class.getName());
        Path log = Files.createTempFile(scratch, "probe", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the probe did not finish in 120 s: " + Files.readString(log));
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
