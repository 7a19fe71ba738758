package org.recsys4j.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.index.ScannIndex;
import org.recsys4j.index.ScannIndexIO;
import org.recsys4j.io.JsonFiles;

/** How a bundle directory is committed: what it refuses, what old releases left, concurrent readers. */
class BundleCommitTest {
    @TempDir
    Path tmp;

    @Test
    void aBundleWithoutAWeightsChecksumIsRefused() throws IOException {
        Path dir = tmp.resolve("model");
        BundleIO.save(BundleSamples.sample(1), dir);
        Path model = dir.resolve(BundleIO.MODEL_FILE);
        ObjectNode root = (ObjectNode) JsonFiles.MAPPER.readTree(model.toFile());
        ((ObjectNode) root.get("weights")).remove("sha256");
        Files.write(model, JsonFiles.MAPPER.writeValueAsBytes(root));
        BundleFormatException e = assertThrows(BundleFormatException.class, () -> BundleIO.load(dir));
        assertTrue(e.getMessage().contains("records no SHA-256 for " + BundleIO.files(dir).weights()),
                e.getMessage());
    }

    /** Copies the format 2 bundle that recsys4j wrote before format 3 (with MakeV2, see the README). */
    private Path format2() throws IOException {
        return BundleSamples.fixture("format2", tmp.resolve("format2"), "model.json", "weights.safetensors",
                "index/index.json", "index/index.bin");
    }

    @Test
    void aFormat2BundleAndItsIndexStillLoadAndAreUpgradedBySaving() throws IOException {
        Path dir = format2();
        ModelBundle old = BundleIO.load(dir);
        ModelBundle same = BundleSamples.sample(42);
        assertEquals(same.spec().query(), old.spec().query());
        assertEquals(same.weights().asMap().get("query/embedding"), old.weights().asMap().get("query/embedding"));
        ScannIndex index = ScannIndexIO.load(dir, old.javaQueryTower());
        // what the release that wrote it answered
        assertEquals(List.of("Movie 22 (1995)", "Movie 21 (1995)", "Movie 4 (1995)", "Movie 38 (1995)",
                "Movie 17 (1995)"), index.query("42", 5).identifiers());

        BundleIO.save(old, dir, ScannIndexIO.inBundle(index));
        assertEquals(BundleSamples.content(old), BundleSamples.content(BundleIO.load(dir)));
        assertEquals(index.query("42", 5), ScannIndexIO.load(dir, old.javaQueryTower()).query("42", 5));
        assertTrue(Files.exists(dir.resolve("weights.safetensors")), "kept one save for readers of the old one");
        BundleIO.save(old, dir);
        assertEquals(Set.of(".write.lock", "model.json", "weights-1.safetensors", "index-1", "weights-2.safetensors"),
                names(dir), "the format 2 files are gone");
    }

    @Test
    void aNewBundleDirectoryAppearsWholeOrNotAtAll() throws IOException {
        Path versions = Files.createDirectories(tmp.resolve("models"));
        BundleExtra failing = new BundleExtra() {
            @Override
            public String name() {
                return "index";
            }

            @Override
            public void writeInto(Path dir, String weightsSha256) throws IOException {
                Files.writeString(dir.resolve("index.json"), "{");
                throw new IOException("killed half way");
            }
        };
        assertThrows(IOException.class, () -> BundleIO.save(BundleSamples.sample(1), versions.resolve("1"), failing));
        assertEquals(Set.of(), names(versions), "no partial version 1 for a server to find");
        BundleIO.save(BundleSamples.sample(1), versions.resolve("1"));
        assertEquals(Set.of("1"), names(versions));
        assertEquals(Set.of("model.json", "weights-1.safetensors"), names(versions.resolve("1")));
    }

    @Test
    void aDirectoryThatIsNotABundleIsNotWrittenInto() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(dir.resolve("holiday.jpg"), "not a bundle");
        BundleFormatException e = assertThrows(BundleFormatException.class,
                () -> BundleIO.save(BundleSamples.sample(1), dir));
        assertTrue(e.getMessage().contains("holds other files (holiday.jpg) and no model.json"), e.getMessage());
        assertEquals(Set.of("holiday.jpg", ".write.lock"), names(dir));
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        e = assertThrows(BundleFormatException.class, () -> BundleIO.save(BundleSamples.sample(1), file));
        assertTrue(e.getMessage().contains("is a file, not a model bundle directory"), e.getMessage());
    }

    @Test
    void whatKilledSavesLeftIsRemovedByTheNextSave() throws IOException {
        Path dir = tmp.resolve("model");
        BundleIO.save(BundleSamples.sample(1), dir);
        // a release before format 3, killed while swapping directories
        Files.createDirectories(tmp.resolve(".model.writing-123456789"));
        Files.createDirectories(tmp.resolve(".model.old-987654321"));
        // this release, killed while writing a generation and while replacing model.json
        Files.writeString(dir.resolve("weights-77.safetensors"), "partial");
        Files.createDirectories(dir.resolve("index-77"));
        long dead = deadProcessId();
        Files.writeString(dir.resolve(".model.json.tmp-" + dead + "-abc"), "{");
        // and files that are not ours
        Files.writeString(tmp.resolve(".model.writing-notes"), "kept");

        BundleIO.save(BundleSamples.sample(2), dir);
        assertEquals(Set.of("model", ".model.writing-notes"), names(tmp));
        assertEquals(Set.of(".write.lock", "model.json", "weights-1.safetensors", "weights-78.safetensors"),
                names(dir));
        assertEquals(BundleSamples.content(BundleSamples.sample(2)), BundleSamples.content(BundleIO.load(dir)));
    }

    /** A process id no process has now. */
    static long deadProcessId() throws IOException {
        try {
            Process p = new ProcessBuilder("true").start();
            p.waitFor();
            return p.pid();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Test
    void aReaderAlwaysFindsACompleteBundleWhile100SavesRun() throws Exception {
        Path dir = tmp.resolve("model");
        List<Object> versions = List.of(BundleSamples.content(BundleSamples.sample(1)),
                BundleSamples.content(BundleSamples.sample(2)));
        BundleIO.save(BundleSamples.sample(1), dir);
        AtomicBoolean saving = new AtomicBoolean(true);
        AtomicInteger loads = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                while (saving.get()) {
                    Object content = BundleSamples.content(BundleIO.load(dir));
                    if (!versions.contains(content)) {
                        throw new AssertionError("a bundle that was never saved");
                    }
                    loads.incrementAndGet();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        reader.start();
        try {
            for (int i = 0; i < 100 && failure.get() == null; i++) {
                BundleIO.save(BundleSamples.sample(1 + i % 2), dir);
            }
        } finally {
            saving.set(false);
            reader.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("a load failed during the saves, after " + loads.get() + " loads",
                    failure.get());
        }
        assertTrue(loads.get() > 0);
        assertFalse(names(dir).size() > 4, "old generations are removed: " + names(dir));
    }

    static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return Set.copyOf(s.map(p -> p.getFileName().toString()).toList());
        }
    }
}
