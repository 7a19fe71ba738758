package org.recsys4j.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.spec.Adagrad;
import org.recsys4j.spec.TrainingConfig;

class BundleIOTest {
    @TempDir
    Path tmp;

    static ModelBundle sample() {
        return BundleSamples.sample(42);
    }

    @Test
    void roundTripKeepsEverything() throws IOException {
        ModelBundle bundle = sample();
        Path dir = tmp.resolve("model");
        BundleIO.save(bundle, dir);
        ModelBundle back = BundleIO.load(dir);
        assertEquals(bundle.spec(), back.spec());
        assertEquals(bundle.vocabularies(), back.vocabularies());
        assertEquals(bundle.training(), back.training());
        assertEquals(bundle.provenance(), back.provenance());
        assertEquals(bundle.weights().asMap(), back.weights().asMap());
        assertEquals(bundle.javaQueryTower().embed("42"), back.javaQueryTower().embed("42"));
        // safetensors as other readers see it: little-endian header length, then JSON
        byte[] raw = Files.readAllBytes(BundleIO.files(dir).weights());
        long headerLength = ByteBuffer.wrap(raw, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(raw, 8, (int) headerLength, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(header.contains("\"query/embedding\":{\"dtype\":\"F32\",\"shape\":[4,8]"), header);
        assertEquals(0, (8 + headerLength) % 8);
    }

    @Test
    void theSplitIsRecordedAndOlderBundlesWithoutOneStillLoad() throws IOException {
        ModelBundle b = sample();
        ModelBundle withSplit = new ModelBundle(b.spec(), b.vocabularies(), b.weights(),
                new TrainingConfig(new Adagrad(0.1), 8192, 4096, 3, 42, "last:0.2"), b.provenance());
        Path dir = tmp.resolve("model");
        BundleIO.save(withSplit, dir);
        assertEquals("last:0.2", BundleIO.load(dir).training().split());
        Path json = dir.resolve(BundleIO.MODEL_FILE);
        String text = Files.readString(json);
        assertTrue(text.contains("\"split\" : \"last:0.2\""), text);
        Files.writeString(json, text.replace(",\n    \"split\" : \"last:0.2\"", ""));
        assertEquals(null, BundleIO.load(dir).training().split());
        assertEquals(8192, BundleIO.load(dir).training().batchSize());
    }

    @Test
    void savingOverAnExistingBundleReplacesIt() throws IOException {
        Path dir = tmp.resolve("model");
        BundleIO.save(sample(), dir);
        BundleIO.save(sample(), dir);
        assertEquals(sample().spec(), BundleIO.load(dir).spec());
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(dir), files.toList(), "no staging or backup directories left behind");
        }
    }

    @Test
    void truncatedWeightsAreReported() throws IOException {
        Path dir = tmp.resolve("model");
        BundleIO.save(sample(), dir);
        Path weights = BundleIO.files(dir).weights();
        try (FileChannel ch = FileChannel.open(weights, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 10);
        }
        BundleFormatException e = assertThrows(BundleFormatException.class, () -> BundleIO.load(dir));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains(weights.toString()), e.getMessage());
    }

    @Test
    void aFlippedByteIsCaughtByTheChecksum() throws IOException {
        Path dir = tmp.resolve("model");
        BundleIO.save(sample(), dir);
        Path weights = BundleIO.files(dir).weights();
        byte[] raw = Files.readAllBytes(weights);
        raw[raw.length - 3] ^= 0x10;
        Files.write(weights, raw);
        BundleFormatException e = assertThrows(BundleFormatException.class, () -> BundleIO.load(dir));
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
    }

    /** A bundle the previous format wrote (no Retrieval or tower options) loads, with every option off. */
    @Test
    void aVersion1BundleLoadsWithTheNewOptionsOff() throws IOException {
        Path dir = tmp.resolve("v1");
        ModelBundle original = sample();
        BundleIO.save(original, dir);
        Path model = dir.resolve(BundleIO.MODEL_FILE);
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(model.toFile());
        root.put("formatVersion", 1);
        root.remove("model"); // versions 1 to 3 recorded the retrieval spec, not the model
        var spec = (com.fasterxml.jackson.databind.node.ObjectNode) org.recsys4j.io.JsonFiles.MAPPER
                .valueToTree(original.spec());
        root.set("spec", spec);
        ((com.fasterxml.jackson.databind.node.ObjectNode) spec.get("task")).retain("temperature");
        for (String tower : new String[] {"query", "candidate"}) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) spec.get(tower)).retain("name", "feature",
                    "vocabularySize", "embeddingDim", "layers");
        }
        Files.writeString(model, root.toPrettyString());
        ModelBundle loaded = BundleIO.load(dir);
        assertEquals(original.spec(), loaded.spec());
        assertEquals(original.weights().names(), loaded.weights().names());

        // versions 2 and 3 are strict: a missing option is an error that names it
        root.put("formatVersion", 3);
        Files.writeString(model, root.toPrettyString());
        BundleFormatException e = assertThrows(BundleFormatException.class, () -> BundleIO.load(dir));
        assertTrue(e.getMessage().contains("'spec' is invalid"), e.getMessage());
        // and the current version reads the model, not a retrieval spec
        root.put("formatVersion", BundleFormat.HEADER.newest());
        Files.writeString(model, root.toPrettyString());
        e = assertThrows(BundleFormatException.class, () -> BundleIO.load(dir));
        assertTrue(e.getMessage().contains("'model' is missing"), e.getMessage());
    }

    @Test
    void brokenJsonAndWrongShapesAreNamed() throws IOException {
        Path dir = tmp.resolve("model");
        BundleIO.save(sample(), dir);
        Path model = dir.resolve(BundleIO.MODEL_FILE);
        String json = Files.readString(model);
        Files.writeString(model, json.substring(0, json.length() / 2));
        BundleFormatException e = assertThrows(BundleFormatException.class, () -> BundleIO.load(dir));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());

        Files.writeString(model, json.replace("\"embeddingDim\" : 8", "\"embeddingDim\" : 9"));
        e = assertThrows(BundleFormatException.class, () -> BundleIO.load(dir));
        assertTrue(e.getMessage().contains("query/embedding"), e.getMessage());

        Files.writeString(model, json.replace("\"formatVersion\" : " + BundleFormat.HEADER.newest(),
                "\"formatVersion\" : 7"));
        var tooNew = assertThrows(org.recsys4j.io.FormatTooNewException.class, () -> BundleIO.load(dir));
        assertTrue(tooNew.getMessage().contains("newer recsys4j"), tooNew.getMessage());

        Files.writeString(model, json);
        Files.delete(BundleIO.files(dir).weights());
        e = assertThrows(BundleFormatException.class, () -> BundleIO.load(dir));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void aFailedSaveLeavesTheOldBundleIntact() throws IOException {
        Path dir = tmp.resolve("model");
        BundleIO.save(sample(), dir);
        ModelBundle bad = sample();
        // a parent that is a file: the write fails before anything is replaced
        Path blocker = tmp.resolve("file");
        Files.writeString(blocker, "x");
        assertThrows(IOException.class, () -> BundleIO.save(bad, blocker.resolve("model")));
        assertEquals(sample().spec(), BundleIO.load(dir).spec());
    }
}
