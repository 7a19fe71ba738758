package org.recsys4j.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.recsys4j.data.ItemCatalog;
import org.recsys4j.io.FileFormatTestCase;
import org.recsys4j.io.FormatHeader;
import org.recsys4j.io.JsonFiles;

/** The checks every format passes, for the catalog, statistics and split a bundle carries ({@code data.json}). */
class BundleDataFormatTest extends FileFormatTestCase {
    private static BundleData sample(int variant) {
        String[] ids = variant == 0 ? new String[] {"1", "2"} : new String[] {"1", "2", "3"};
        String[] labels = Arrays.stream(ids).map(id -> "Movie " + id + " (1995)").toArray(String[]::new);
        String[] genres = Arrays.stream(ids).map(id -> "genre" + id).toArray(String[]::new);
        return new BundleData(Map.of("query_id", "user_id", "candidate_id", "movie_id"),
                new ItemCatalog(ids, labels, Map.of("genre", genres)),
                Map.of("timestamp_normalized", new BundleData.Normalization("timestamp", 8.5e8 + variant, 1.5e6)),
                Map.of("path", "ratings.csv", "rows", 100 + variant), Map.of("spec", "random:0.2", "train_rows", 80));
    }

    @Override
    protected void write(Path target, int variant) throws IOException {
        BundleIO.save(BundleSamples.sample(42), target, sample(variant).inBundle());
    }

    @Override
    protected Object read(Path target) throws IOException {
        BundleData d = BundleData.load(target);
        return List.of(d.columns(), List.of(d.items().ids()), List.of(d.items().labels()),
                List.of(d.items().features().get("genre")), d.normalization(), d.source(), d.split());
    }

    private static Path file(Path target) throws IOException {
        return BundleIO.files(target).extras().get(BundleData.EXTRA).resolve(BundleData.FILE);
    }

    @Override
    protected List<Path> files(Path target) throws IOException {
        return List.of(file(target));
    }

    @Override
    protected List<Path> checksummed(Path target) {
        return List.of(); // text the user may read; committed by the model.json that names its directory
    }

    @Override
    protected FormatHeader header() {
        return BundleData.HEADER;
    }

    @Override
    protected Path headerFile(Path target) throws IOException {
        return file(target);
    }

    @Test
    void aBundleWithoutItIsSaidToHaveNone() throws IOException {
        Path dir = tmp.resolve("plain");
        BundleIO.save(BundleSamples.sample(1), dir);
        assertFalse(BundleData.exists(dir));
        Path with = target();
        write(with, 0);
        assertTrue(BundleData.exists(with));
    }

    @Test
    void aFieldOfTheWrongKindIsNamed() throws IOException {
        Path target = target();
        write(target, 0);
        Path file = file(target);
        Files.writeString(file, text(file).replace("\"Movie 1 (1995)\"", "7"));
        assertTrue(readError(target, file).getMessage().contains("'items.labels' must hold strings only, not 7"));
    }

    @Test
    void aFormat2BundlesDataJsonBesideModelJsonStillLoads() throws IOException {
        // format 2 bundles of `recsys4j train` kept data.json beside model.json
        Path dir = BundleSamples.fixture("format2", tmp.resolve("format2"), "model.json", "weights.safetensors");
        Path target = target();
        write(target, 1);
        Object expected = read(target);
        Files.copy(file(target), dir.resolve(BundleData.FILE));
        assertEquals(expected, read(dir));
        BundleIO.save(BundleIO.load(dir), dir, BundleData.load(dir).inBundle()); // upgraded by saving
        assertEquals(expected, read(dir));
        assertTrue(JsonFiles.MAPPER.readTree(dir.resolve(BundleIO.MODEL_FILE).toFile()).path("extras")
                .has(BundleData.EXTRA));
    }
}
