package org.recsys4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.index.TopK;
import org.recsys4j.spi.BackendOptions;

/**
 * A damaged, truncated or foreign .onnx file is a clear error naming the file — an
 * {@link OnnxFormatException}, never a crash of the JVM in native code.
 */
class DamagedOnnxFileTest {
    @TempDir
    static Path tmp;
    private static OnnxFiles good;
    private static byte[] retrieval;
    private static byte[] queryTower;

    @BeforeAll
    static void export() throws IOException {
        // the tutorial's shapes over made-up ids: damage is a property of the file, not of the data
        ModelBundle bundle = MovieLensBundles.syntheticEmbeddingOnly();
        List<String> movies = MovieLensBundles.syntheticMovies();
        good = OnnxExport.write(bundle, movies, bundle.javaCandidateTower().embed(movies.toArray(String[]::new)), 10,
                tmp.resolve("good"));
        retrieval = Files.readAllBytes(good.retrieval());
        queryTower = Files.readAllBytes(good.queryTower());
    }

    @ParameterizedTest(name = "retrieval.onnx cut to {0} of its size")
    @ValueSource(doubles = {0.0001, 0.01, 0.1, 0.5, 0.9, 0.999})
    void aTruncatedRetrievalModelIsNamed(double fraction) throws IOException {
        Path file = tmp.resolve("cut-" + fraction + ".onnx");
        Files.write(file, Arrays.copyOf(retrieval, (int) Math.max(1, retrieval.length * fraction)));
        assertNamed(file, () -> OnnxRetrievalIndex.open(file, BackendOptions.none()).close());
    }

    @ParameterizedTest(name = "query_tower.onnx cut to {0} of its size")
    @ValueSource(doubles = {0.01, 0.5, 0.99})
    void aTruncatedTowerModelIsNamed(double fraction) throws IOException {
        Path file = tmp.resolve("tower-cut-" + fraction + ".onnx");
        Files.write(file, Arrays.copyOf(queryTower, (int) (queryTower.length * fraction)));
        assertNamed(file, () -> OnnxInference.open(file, good.candidateTower(), BackendOptions.none()).close());
    }

    @Test
    void randomBytesAreNamed() throws IOException {
        Random random = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            byte[] garbage = new byte[1 + random.nextInt(5000)];
            random.nextBytes(garbage);
            Path file = tmp.resolve("garbage-" + trial + ".onnx");
            Files.write(file, garbage);
            assertNamed(file, () -> OnnxRetrievalIndex.open(file, BackendOptions.none()).close());
        }
    }

    @Test
    void flippedBytesAreNamedNotServed() throws IOException {
        // Flipped weight bytes still parse as protobuf; the checksum recorded at export catches them.
        // A flip outside what it covers (e.g. ir_version) may load, but then answers as before.
        TopK expected;
        try (OnnxRetrievalIndex index = OnnxRetrievalIndex.open(good.retrieval(), BackendOptions.none())) {
            expected = index.query("42", 10);
        }
        Random random = new Random(5);
        int refused = 0;
        for (int trial = 0; trial < 40; trial++) {
            byte[] damaged = retrieval.clone();
            damaged[random.nextInt(damaged.length)] ^= (byte) (1 + random.nextInt(255));
            Path file = tmp.resolve("flipped-" + trial + ".onnx");
            Files.write(file, damaged);
            try (OnnxRetrievalIndex index = OnnxRetrievalIndex.open(file, BackendOptions.none())) {
                assertEquals(expected, index.query("42", 10), "a damaged file loaded and answered differently");
            } catch (OnnxFormatException e) {
                assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
                refused++;
            }
        }
        assertTrue(refused >= 35, "most random flips land in the weights and must be refused; refused " + refused);
    }

    @Test
    void emptyTextAndMissingFilesAreNamed() throws IOException {
        Path empty = Files.write(tmp.resolve("empty.onnx"), new byte[0]);
        assertNamed(empty, () -> OnnxRetrievalIndex.open(empty, BackendOptions.none()).close());
        Path text = Files.writeString(tmp.resolve("notes.onnx"), "this is not a model\n", StandardCharsets.UTF_8);
        assertNamed(text, () -> OnnxRetrievalIndex.open(text, BackendOptions.none()).close());
        Path missing = tmp.resolve("missing.onnx");
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> OnnxRetrievalIndex.open(missing, BackendOptions.none()));
        assertEquals(missing.toString(), e.getFile());
    }

    @Test
    void aModelOfAnotherKindIsNamed() {
        OnnxFormatException e = assertThrows(OnnxFormatException.class,
                () -> OnnxRetrievalIndex.open(good.queryTower(), BackendOptions.none()));
        assertTrue(e.getMessage().contains("query_tower.onnx is a query_tower model, not a retrieval model"),
                e.getMessage());
        e = assertThrows(OnnxFormatException.class,
                () -> OnnxInference.open(good.candidateTower(), good.queryTower(), BackendOptions.none()));
        assertTrue(e.getMessage().contains("candidate_tower.onnx is a candidate_tower model"), e.getMessage());
    }

    private interface Load {
        void run() throws IOException;
    }

    private static void assertNamed(Path file, Load load) {
        OnnxFormatException e = assertThrows(OnnxFormatException.class, load::run, file.toString());
        assertTrue(e.getMessage().startsWith(file.toString()), "the message names the file: " + e.getMessage());
    }
}
