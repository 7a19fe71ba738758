package org.recsys4j.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.io.Checksums;
import org.recsys4j.io.FormatException;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Initializers;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.testing.TestData;
import org.recsys4j.vocab.StringLookup;

class ScannIndexIOTest {
    private static final int DIM = 8;

    @TempDir
    Path tmp;

    private Path bundleDir;
    private ModelBundle bundle;
    private ScannIndex index;
    private Embeddings queries;

    static ModelBundle bundle(long seed) {
        StringLookup users = StringLookup.of(List.of("1", "2", "42"));
        StringLookup titles = StringLookup.of(List.of("a", "b", "c"));
        RetrievalSpec spec = new RetrievalSpec(TowerSpec.embedding("query", "user_id", users.size(), DIM),
                TowerSpec.embedding("candidate", "movie_title", titles.size(), DIM), RetrievalTaskSpec.defaults());
        return new ModelBundle(spec, Map.of("user_id", users, "movie_title", titles),
                Initializers.initialWeights(spec, seed), null, null);
    }

    @BeforeEach
    void build() throws IOException {
        Random random = new Random(1);
        bundle = bundle(42);
        bundleDir = tmp.resolve("model");
        BundleIO.save(bundle, bundleDir);
        Embeddings candidates = ScannIndexTest.clustered(random, 3000, DIM, 20);
        // identifiers with non-ASCII characters and an empty one survive the trip
        List<String> ids = new java.util.ArrayList<>(ScannIndexTest.ids(3000));
        ids.set(0, "Misérables, Les (1995)");
        ids.set(1, "");
        index = new ScannIndex(bundle.javaQueryTower(), ScannParameters.defaults().withNumLeaves(30)
                .withNumLeavesToSearch(5).withNumReorderingCandidates(30).withDimensionsPerBlock(3))
                .index(ids, candidates);
        queries = TestData.randomEmbeddings(random, 100, DIM);
    }

    private void assertSameAnswers(ScannIndex a, ScannIndex b) {
        assertEquals(a.parameters(), b.parameters());
        assertEquals(a.structure(), b.structure());
        assertEquals(a.search(queries, 10), b.search(queries, 10));
        assertEquals(a.query("42", 10), b.query("42", 10), "raw queries through the query tower");
    }

    @Test
    void saveAndLoadGiveIdenticalResults() throws IOException {
        ScannIndexIO.save(index, bundleDir);
        assertTrue(ScannIndexIO.exists(bundleDir));
        ScannIndex loaded = ScannIndexIO.load(bundleDir, BundleIO.load(bundleDir).javaQueryTower());
        assertSameAnswers(index, loaded);
        assertEquals(bundle.spec(), BundleIO.load(bundleDir).spec(), "the bundle itself is untouched");
        // saving again replaces the index, leaving nothing behind
        ScannIndexIO.save(index.withSearch(7, 40), bundleDir);
        assertEquals(7, ScannIndexIO.load(bundleDir, null).parameters().numLeavesToSearch());
        try (var files = Files.list(bundleDir)) {
            // model.json, the lock, and the weights and index of this save and the one before (for readers)
            assertEquals(6, files.count());
        }
        ScannIndexIO.save(index.withSearch(6, 40), bundleDir);
        try (var files = Files.list(bundleDir)) {
            assertEquals(6, files.count(), "older generations are removed");
        }
    }

    @Test
    void savedWithTheBundleInOneSwap() throws IOException {
        Path dir = tmp.resolve("together");
        BundleIO.save(bundle, dir, ScannIndexIO.inBundle(index));
        assertSameAnswers(index, ScannIndexIO.load(dir, BundleIO.load(dir).javaQueryTower()));
        // re-saving the bundle alone drops the index: it belonged to the weights it was built from
        BundleIO.save(bundle, dir);
        assertFalse(ScannIndexIO.exists(dir));
        assertThrows(NoSuchFileException.class, () -> ScannIndexIO.load(dir, null));
    }

    @Test
    void theFilesAreReadableWithoutThisLibrary() throws IOException {
        ScannIndexIO.save(index, bundleDir);
        Path dir = BundleIO.files(bundleDir).extras().get(ScannIndexIO.EXTRA);
        var meta = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve(ScannIndexIO.META_FILE).toFile());
        assertEquals("scann", meta.path("type").asText());
        assertEquals(30, meta.path("parameters").path("numLeaves").asInt());
        assertEquals(Checksums.sha256(BundleIO.files(bundleDir).weights()), meta.path("weightsSha256").asText());
        // the embeddings section, read by its offset as numpy would, holds the candidates
        var section = meta.path("sections").get(1);
        assertEquals("embeddings", section.path("name").asText());
        byte[] raw = Files.readAllBytes(dir.resolve(ScannIndexIO.DATA_FILE));
        assertEquals("r4jscann", new String(raw, 0, 8, StandardCharsets.US_ASCII));
        float first = ByteBuffer.wrap(raw, section.path("offset").asInt(), 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
        assertEquals(index.candidates().data()[0], first);
    }

    private Path data() throws IOException {
        return BundleIO.files(bundleDir).extras().get(ScannIndexIO.EXTRA).resolve(ScannIndexIO.DATA_FILE);
    }

    private Path meta() throws IOException {
        return BundleIO.files(bundleDir).extras().get(ScannIndexIO.EXTRA).resolve(ScannIndexIO.META_FILE);
    }

    private String loadError() {
        return assertThrows(FormatException.class, () -> ScannIndexIO.load(bundleDir, null)).getMessage();
    }

    @Test
    void aFlippedByteIsCaughtByTheChecksum() throws IOException {
        ScannIndexIO.save(index, bundleDir);
        try (FileChannel ch = FileChannel.open(data(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, 5000);
            b.put(0, (byte) (b.get(0) ^ 0x10)).rewind();
            ch.write(b, 5000);
        }
        String message = loadError();
        assertTrue(message.contains(ScannIndexIO.DATA_FILE) && message.contains("damaged")
                && message.contains("SHA-256"), message);
    }

    @Test
    void aTruncatedFileIsReported() throws IOException {
        ScannIndexIO.save(index, bundleDir);
        try (FileChannel ch = FileChannel.open(data(), StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 100);
        }
        String message = loadError();
        assertTrue(message.contains(ScannIndexIO.DATA_FILE) && message.contains("truncated"), message);
    }

    @Test
    void aMissingDataFileIsReported() throws IOException {
        ScannIndexIO.save(index, bundleDir);
        Files.delete(data());
        String message = loadError();
        assertTrue(message.contains(ScannIndexIO.DATA_FILE) && message.contains("missing"), message);
    }

    @Test
    void aDamagedHeaderIsReported() throws IOException {
        ScannIndexIO.save(index, bundleDir);
        String json = Files.readString(meta());
        Files.writeString(meta(), json.substring(0, json.length() / 2));
        String message = loadError();
        assertTrue(message.contains(ScannIndexIO.META_FILE) && message.contains("not valid JSON"), message);

        Files.writeString(meta(), json.replace("\"formatVersion\" : 1", "\"formatVersion\" : 99"));
        message = loadError();
        assertTrue(message.contains("newer recsys4j (recsys4j-index format 99, this build reads up to 1)"), message);

        Files.writeString(meta(), json.replace("\"numLeaves\" : 30", "\"numLeaves\" : -3"));
        message = loadError();
        assertTrue(message.contains("'parameters' is invalid") && message.contains("numLeaves"), message);

        Files.writeString(meta(), json.replace("\"leaves\" : 30", "\"leaves\" : 31"));
        message = loadError();
        assertTrue(message.contains("centres") && message.contains("shape"), message);
    }

    @Test
    void aConsistentlyRewrittenButInvalidStructureIsReported() throws IOException {
        // a writer with a bug: correct size and checksum, but a leaf entry names a candidate twice
        ScannIndexIO.save(index, bundleDir);
        var meta = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(meta().toFile());
        long positions = meta.path("sections").get(4).path("offset").asLong();
        try (FileChannel ch = FileChannel.open(data(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer first = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(first, positions);
            first.rewind();
            ch.write(first, positions + 4);
        }
        ((com.fasterxml.jackson.databind.node.ObjectNode) meta.path("data")).put("sha256", Checksums.sha256(data()));
        new com.fasterxml.jackson.databind.ObjectMapper().writeValue(meta().toFile(), meta);
        String message = loadError();
        assertTrue(message.contains(ScannIndexIO.DATA_FILE) && message.contains("inconsistent")
                && message.contains("appears twice"), message);
    }

    @Test
    void anIndexBuiltForOtherWeightsIsRefused() throws IOException {
        ScannIndexIO.save(index, bundleDir);
        Path index2 = tmp.resolve("index-copy");
        Files.move(BundleIO.files(bundleDir).extras().get(ScannIndexIO.EXTRA), index2);
        BundleIO.save(bundle(7), bundleDir); // retrained: other weights
        // the old index put back by hand and named in model.json
        Files.move(index2, bundleDir.resolve("index-99"));
        Path model = bundleDir.resolve(BundleIO.MODEL_FILE);
        Files.writeString(model, Files.readString(model).replace("\"extras\" : { }",
                "\"extras\" : {\"index\": \"index-99\"}"));
        String message = loadError();
        assertTrue(message.contains("rebuild the index"), message);
    }

    @Test
    void savingNeedsTheBundleFirst() {
        assertThrows(NoSuchFileException.class, () -> ScannIndexIO.save(index, tmp.resolve("nowhere")));
    }
}
