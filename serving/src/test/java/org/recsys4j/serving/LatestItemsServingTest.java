package org.recsys4j.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.bundle.BundleSamples;
import org.recsys4j.bundle.LatestItems;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.metrics.Scores;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.Features;

/**
 * A model that reads the user's previous item ({@code --preset temporal}) is served with each
 * user's latest training item from the bundle when the query does not give one, as it was evaluated.
 */
class LatestItemsServingTest {
    private static final String FEATURE = "previous_movie_title";

    @TempDir
    Path dir;

    @Test
    void aQueryWithoutThePreviousItemIsAskedWithTheUsersLatest() throws Exception {
        ModelBundle bundle = BundleSamples.withPreviousItem(11);
        // user "42" (row 3) last saw title row 2; user "1" (row 1) title row 1; user "2" nothing
        BundleIO.save(bundle, dir.resolve("1"),
                LatestItems.of(bundle, FEATURE, new int[] {3, 1}, new int[] {2, 1}).inBundle());
        try (ModelServer server = ServingFixtures.serve(dir)) {
            Http http = new Http(server.port());
            for (String user : new String[] {"42", "1", "2"}) {
                int row = bundle.vocabulary(bundle.spec().query()).index(user);
                int latest = user.equals("42") ? 2 : user.equals("1") ? 1 : 0;
                JsonNode asked = http.post("/v1/models/retrieval:recommend",
                        "{\"query\": {\"user_id\": \"" + user + "\"}, \"k\": 2}").json();
                assertEquals(expected(bundle, row, latest), scores(asked), "user " + user);
                // a query that names its previous item keeps it
                JsonNode given = http.post("/v1/models/retrieval:recommend", "{\"query\": {\"user_id\": \"" + user
                        + "\", \"" + FEATURE + "\": \"Toy Story (1995)\"}, \"k\": 2}").json();
                assertEquals(expected(bundle, row, 1), scores(given), "user " + user);
            }
            assertNotEquals(expected(bundle, 3, 2), expected(bundle, 3, 0),
                    "the previous item changes the scores (else this test shows nothing)");
        }
    }

    /** Both titles' scores, best first, for query row {@code row} with previous-title row {@code latest}. */
    private static List<Float> expected(ModelBundle bundle, int row, int latest) {
        Embeddings q = bundle.javaQueryTower().embedIndices(new int[] {row},
                Features.none().withRows(FEATURE, new int[] {latest}));
        Embeddings c = bundle.javaCandidateTower().embedIndices(new int[] {1, 2});
        List<Float> out = new ArrayList<>();
        for (int j = 0; j < 2; j++) {
            out.add(Scores.dot(q.data(), 0, c.data(), j * c.dim(), c.dim()));
        }
        out.sort(Comparator.reverseOrder());
        return out;
    }

    private static List<Float> scores(JsonNode answer) {
        List<Float> out = new ArrayList<>();
        answer.get("recommendations").forEach(n -> out.add(n.get("score").floatValue()));
        return out;
    }
}
