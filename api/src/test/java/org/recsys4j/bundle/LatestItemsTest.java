package org.recsys4j.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.data.CategoricalColumn;
import org.recsys4j.model.Features;
import org.recsys4j.model.Tower;
import org.recsys4j.split.Split;
import org.recsys4j.split.SplitSpec;
import org.recsys4j.split.Splits;
import org.recsys4j.vocab.StringLookup;

class LatestItemsTest {
    private static final String FEATURE = "previous_movie_title";

    @TempDir
    Path tmp;

    @Test
    void theLatestTrainingRowOfEachUserIsByTimeWithTiesInFileOrderAndNeverATestRow() {
        int[] users = {0, 1, 0, 0, 1, 2};
        long[] time = {5, 1, 5, 3, 2, 7};
        // rows 4 and 5 are test rows: user 1's latest training row is 1 (row 4 is later, but a test row),
        // user 2 has none; user 0's rows by time are 3 (t 3), 0 and 2 (both t 5, file order): 2
        Split split = new Split(SplitSpec.parse("last:1"), 0, new int[] {0, 1, 2, 3}, new int[] {4, 5});
        assertArrayEquals(new int[] {2, 1, -1}, Splits.latestTrainingRow(users, time, split));
    }

    @Test
    void fromATablesColumnsEachUsersLatestTrainingItemByTimeTiesInTableOrder() {
        ModelBundle bundle = BundleSamples.withPreviousItem(7); // users "1", "2", "42": rows 1 to 3
        String toy = "Toy Story (1995)"; // title row 1
        String les = "Misérables, Les (1995)"; // title row 2
        CategoricalColumn users = CategoricalColumn.encode(new String[] {"42", "1", "42", "42", "1", "nobody", "2"});
        CategoricalColumn items = CategoricalColumn.encode(new String[] {les, les, toy, toy, toy, toy, toy});
        double[] time = {5, 1, 5, 3, 9, 1, 2};
        // "42": rows 3 (t 3), 0 and 2 (both t 5, table order): row 2's title; "1": row 4 is later but
        // a test row; "2" only has a test row; "nobody" is outside the vocabulary (row 0, OOV)
        Split split = new Split(SplitSpec.parse("last:1"), 0, new int[] {0, 1, 2, 3, 5}, new int[] {4, 6});
        LatestItems latest = LatestItems.ofTraining(bundle, FEATURE, users, items, time, split);
        assertEquals(FEATURE, latest.feature());
        int[] rows = {latest.row(0), latest.row(1), latest.row(2), latest.row(3)};
        assertArrayEquals(new int[] {0, 2, 0, 1}, rows);
        var e = assertThrows(IllegalArgumentException.class, () -> LatestItems.ofTraining(bundle, "movie_title",
                users, items, time, split));
        assertEquals("the model's query tower has no categorical context feature 'movie_title'", e.getMessage());
    }

    @Test
    void aTowerAskedWithTheLatestItemEmbedsAsIfTheQueryHadGivenIt() throws IOException {
        ModelBundle bundle = BundleSamples.withPreviousItem(7);
        LatestItems latest = LatestItems.of(bundle, FEATURE, new int[] {1, 3, 3}, new int[] {2, 1, 2});
        assertEquals(2, latest.row(1));
        assertEquals(2, latest.row(3), "a query row given twice keeps its last entry");
        assertEquals(0, latest.row(2), "none for a user without history: OOV");
        assertEquals(0, latest.row(0));

        Tower plain = bundle.javaQueryTower();
        Tower asked = latest.around(plain);
        int[] rows = {1, 2, 3, 0};
        float[] expected = plain.embedIndices(rows, Features.none().withRows(FEATURE, new int[] {2, 0, 2, 0})).data();
        assertArrayEquals(expected, asked.embedIndices(rows).data());
        assertArrayEquals(expected, asked.embed("1", "2", "42", "nobody").data());
        // a query that gives its own previous item keeps it
        Features given = Features.none().withRows(FEATURE, new int[] {1, 1, 1, 1});
        assertArrayEquals(plain.embedIndices(rows, given).data(), asked.embedIndices(rows, given).data());
        assertTrue(!java.util.Arrays.equals(expected, plain.embedIndices(rows).data()),
                "the latest items change the embeddings (else this test shows nothing)");

        Path dir = tmp.resolve("model");
        BundleIO.save(bundle, dir, latest.inBundle());
        assertArrayEquals(expected, LatestItems.askedWithLatest(dir, BundleIO.load(dir), plain).embedIndices(rows)
                .data());
        Path without = tmp.resolve("without");
        BundleIO.save(bundle, without);
        assertNull(LatestItems.loadIfPresent(without, bundle));
    }

    @Test
    void aModelWithoutTheFeatureOrOtherVocabulariesIsRefusedNamingTheFeatureOrFile() throws IOException {
        ModelBundle plain = BundleSamples.sample(42);
        var e = assertThrows(IllegalArgumentException.class,
                () -> LatestItems.of(plain, FEATURE, new int[] {1}, new int[] {1}));
        assertEquals("the model's query tower has no categorical context feature 'previous_movie_title'",
                e.getMessage());
        ModelBundle bundle = BundleSamples.withPreviousItem(42);
        e = assertThrows(IllegalArgumentException.class,
                () -> LatestItems.of(bundle, FEATURE, new int[] {1}, new int[] {3}));
        assertTrue(e.getMessage().contains("item row 3 is outside its vocabulary"), e.getMessage());

        Path dir = tmp.resolve("model");
        BundleIO.save(bundle, dir, LatestItems.of(bundle, FEATURE, new int[] {1}, new int[] {1}).inBundle());
        ModelBundle other = new ModelBundle(bundle.spec(), Map.of("user_id", StringLookup.of(List.of("1", "2", "43")),
                "movie_title", bundle.vocabularies().get("movie_title"), FEATURE, bundle.vocabularies().get(FEATURE)),
                bundle.weights(), null, null);
        var f = assertThrows(BundleFormatException.class, () -> LatestItems.load(dir, other));
        assertTrue(f.getMessage().contains(LatestItems.FILE) && f.getMessage().contains("other vocabularies"),
                f.getMessage());
    }
}
