package org.recsys4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.bundle.BundleSamples;
import org.recsys4j.spi.BackendOptions;

/** A JVM that ran ONNX Runtime leaves nothing in its temporary directory when it exits. */
class OrtTemporaryFilesTest {
    @TempDir
    Path tmp;

    /** Runs a model through ONNX Runtime and exits. */
    public static void main(String[] args) {
        try (OnnxInference inference = OnnxInference.fromBundle(BundleSamples.sample(1), BackendOptions.none())) {
            System.out.println(inference.queryTower().embed("42").dim());
        }
    }

    @Test
    void theExtractedLibrariesAreRemovedAtExit() throws Exception {
        Path javaTmp = Files.createDirectory(tmp.resolve("java.io.tmpdir"));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + javaTmp, "-cp", System.getProperty("java.class.path"),
                OrtTemporaryFilesTest.class.getName()).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.waitFor(), output);
        assertEquals("4", output.strip().lines().reduce((a, b) -> b).orElse(""), output);
        assertEquals(List.of(), list(javaTmp), "left in java.io.tmpdir");
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
