package org.recsys4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.bundle.BundleExtra;
import org.recsys4j.bundle.BundleFormatException;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.bundle.BundleSamples;
import org.recsys4j.bundle.LatestItems;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.bundle.Safetensors;
import org.recsys4j.io.AtomicFiles;

/**
 * A Spark model saved before each user's latest item moved to the bundle's {@code LatestItems}
 * kept it in the {@code spark} extra as {@code previous_items.safetensors} (format 1): it still
 * loads, to the same rows, and a damaged one is an error naming the file.
 */
class LegacyLatestItemsTest {
    private static final String FEATURE = "previous_movie_title";

    @TempDir
    Path dir;

    @Test
    void theOldFileLoadsAsTheBundlesLatestItems() throws Exception {
        ModelBundle bundle = BundleSamples.withPreviousItem(5);
        int[] latest = {0, 2, 0, 1}; // user rows "1", "2", "42" (row 0 is OOV): titles 2, none, 1
        save(bundle, latest);
        LatestItems loaded = ModelIO.latestItems(dir, bundle);
        assertEquals(FEATURE, loaded.feature());
        assertArrayEquals(latest, new int[] {loaded.row(0), loaded.row(1), loaded.row(2), loaded.row(3)});

        // the same rows as the store written since
        BundleIO.save(bundle, dir, ModelIO.sparkExtra(IdType.named("int"), IdType.named("int")),
                LatestItems.of(bundle, FEATURE, new int[] {1, 3}, new int[] {2, 1}).inBundle());
        LatestItems now = ModelIO.latestItems(dir, bundle);
        assertArrayEquals(latest, new int[] {now.row(0), now.row(1), now.row(2), now.row(3)});
    }

    @Test
    void aDamagedOldFileIsAnErrorNamingIt() throws Exception {
        ModelBundle bundle = BundleSamples.withPreviousItem(5);
        save(bundle, new int[] {0, 2, 0});
        BundleFormatException e = assertThrows(BundleFormatException.class, () -> ModelIO.latestItems(dir, bundle));
        assertTrue(e.getMessage().contains(ModelIO.LEGACY_LATEST)
                && e.getMessage().contains("one entry per user row (4)"), e.getMessage());
        save(bundle, new int[] {0, 2, 3, 1});
        e = assertThrows(BundleFormatException.class, () -> ModelIO.latestItems(dir, bundle));
        assertTrue(e.getMessage().contains(ModelIO.LEGACY_LATEST) && e.getMessage().contains("item row 3"),
                e.getMessage());
    }

    /** The bundle as the Spark module saved a temporal model before: its latest items in the spark extra. */
    private void save(ModelBundle bundle, int[] latest) throws Exception {
        BundleIO.save(bundle, dir, BundleExtra.of(ModelIO.EXTRA, (extra, weightsSha256) -> {
            Files.writeString(extra.resolve(ModelIO.SPARK_FILE), "{\"userType\": \"int\", \"itemType\": \"int\"}",
                    StandardCharsets.UTF_8);
            AtomicFiles.write(extra.resolve(ModelIO.LEGACY_LATEST), out -> Safetensors.writeInt32(out,
                    Map.of("latest_by_user_row", latest), Map.of("format", "recsys4j-spark-previous-items",
                            "format_version", "1", "feature", FEATURE)));
        }));
    }
}
