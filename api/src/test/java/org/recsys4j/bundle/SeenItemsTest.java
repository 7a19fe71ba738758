package org.recsys4j.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.vocab.StringLookup;

class SeenItemsTest {
    @TempDir
    Path tmp;

    @Test
    void rowsPerUserSortedDistinctWithoutUnknownIdsAndSavedWithTheBundle() throws IOException {
        ModelBundle bundle = BundleIOTest.sample(); // users 1, 2, 42 (rows 1-3); two titles (rows 1-2)
        SeenItems seen = SeenItems.of(bundle,
                new String[] {"42", "1", "42", "42", "nobody", "2"},
                new String[] {"Misérables, Les (1995)", "Toy Story (1995)", "Toy Story (1995)",
                        "Misérables, Les (1995)", "Toy Story (1995)", "not a title"});
        assertArrayEquals(new int[] {1, 2}, seen.rows(3));
        assertArrayEquals(new int[] {1}, seen.rows(1));
        assertArrayEquals(new int[0], seen.rows(2), "an unknown title is not recorded");
        assertArrayEquals(new int[0], seen.rows(0), "nor an unknown user");
        assertEquals(3, seen.pairs());

        Path dir = tmp.resolve("model");
        BundleIO.save(bundle, dir, seen.inBundle());
        assertTrue(SeenItems.exists(dir));
        SeenItems back = SeenItems.load(dir, BundleIO.load(dir));
        for (int r = 0; r < 4; r++) {
            assertArrayEquals(seen.rows(r), back.rows(r));
        }
        Path elsewhere = tmp.resolve("seen/train.safetensors");
        seen.save(elsewhere);
        assertArrayEquals(new int[] {1, 2}, SeenItems.load(elsewhere, bundle).rows(3));
    }

    @Test
    void anotherModelsOrADamagedFileIsRefusedNamingTheFile() throws IOException {
        ModelBundle bundle = BundleIOTest.sample();
        Path file = tmp.resolve("seen.safetensors");
        SeenItems.of(bundle, new String[] {"1"}, new String[] {"Toy Story (1995)"}).save(file);

        ModelBundle other = new ModelBundle(bundle.spec(), Map.of("user_id", StringLookup.of(List.of("1", "2", "43")),
                "movie_title", bundle.vocabularies().get("movie_title")), bundle.weights(), null, null);
        var e = assertThrows(BundleFormatException.class, () -> SeenItems.load(file, other));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("other vocabularies"),
                e.getMessage());

        byte[] raw = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(raw, raw.length - 3));
        e = assertThrows(BundleFormatException.class, () -> SeenItems.load(file, bundle));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("truncated"), e.getMessage());

        Map<String, int[]> bad = new LinkedHashMap<>();
        bad.put("offsets", new int[] {0, 0, 2, 2, 2});
        bad.put("rows", new int[] {2, 1}); // not ascending
        org.recsys4j.io.AtomicFiles.write(file, out -> Safetensors.writeInt32(out, bad, Map.of("format",
                SeenItems.HEADER.name(), "format_version", "1", "query_feature", "user_id", "candidate_feature",
                "movie_title", "vocabularies_sha256", SeenItems.vocabulariesSha256(bundle))));
        e = assertThrows(BundleFormatException.class, () -> SeenItems.load(file, bundle));
        assertTrue(e.getMessage().contains("ascending"), e.getMessage());
    }
}
