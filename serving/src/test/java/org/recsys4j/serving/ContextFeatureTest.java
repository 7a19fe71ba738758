package org.recsys4j.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.index.BruteForceIndex;
import org.recsys4j.model.Initializers;
import org.recsys4j.model.Features;
import org.recsys4j.spec.FeatureSpec;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.vocab.StringLookup;

/**
 * A query tower with context (a timestamp bucket, as {@code --features timestamp} trains, and a
 * normalised number): the inputs are named after the features in :predict, :recommend and the
 * signature, each through its vocabulary, and a query without them reads the OOV row (or 0), as
 * the exported models do.
 */
class ContextFeatureTest {
    @TempDir
    Path dir;

    @Test
    void contextInputsReachTheQueryTower() throws Exception {
        StringLookup users = StringLookup.of(List.of("1", "2", "3"));
        StringLookup items = StringLookup.of(List.of("a", "b", "c", "d", "e", "f"));
        StringLookup buckets = StringLookup.of(List.of("0", "1", "2", "3"));
        RetrievalSpec spec = new RetrievalSpec(TowerSpec.embedding("query", "user_id", users.size(), 8)
                .withFeature(FeatureSpec.context("timestamp_bucket", buckets.size()))
                .withFeature(FeatureSpec.numeric("timestamp_normalized")),
                TowerSpec.embedding("candidate", "item_id", items.size(), 8), RetrievalTaskSpec.defaults());
        ModelBundle bundle = new ModelBundle(spec, Map.of("user_id", users, "item_id", items,
                "timestamp_bucket", buckets), Initializers.initialWeights(spec, 9), null, null);
        BundleIO.save(bundle, dir.resolve("1"));
        try (ModelServer server = ServingFixtures.serve(dir)) {
            Http http = new Http(server.port());
            JsonNode sig = http.get("/v1/models/retrieval/metadata").json().get("metadata").get("signature_def")
                    .get("signature_def").get("serving_default").get("inputs");
            assertEquals("DT_STRING", sig.get("timestamp_bucket").get("dtype").asText());
            assertEquals("DT_FLOAT", sig.get("timestamp_normalized").get("dtype").asText());

            BruteForceIndex index = new BruteForceIndex().index(items.vocabulary(),
                    bundle.javaCandidateTower().embed(items.vocabulary().toArray(String[]::new)));
            int[] user2 = {users.index("2")};
            float[] withContext = bundle.javaQueryTower().embedIndices(user2, Features.none()
                    .withRows("timestamp_bucket", new int[] {buckets.index("3")})
                    .withValues("timestamp_normalized", new float[] {1.5f})).data();
            float[] without = bundle.javaQueryTower().embedIndices(user2, Features.none()).data();
            assertNotEquals(index.search(withContext, 6).toString(), index.search(without, 6).toString(),
                    "the context changes the scores");

            JsonNode r = http.post("/v1/models/retrieval:recommend", "{\"query\": {\"user_id\": \"2\","
                    + " \"timestamp_bucket\": \"3\", \"timestamp_normalized\": 1.5}, \"k\": 6}").json();
            JsonNode p = http.post("/v1/models/retrieval:predict", "{\"inputs\": {\"user_id\": [\"2\", \"2\"],"
                    + " \"timestamp_bucket\": [\"3\", \"no such bucket\"],"
                    + " \"timestamp_normalized\": [1.5, 0]}}").json();
            float[] scores = index.search(withContext, 6).scores();
            for (int i = 0; i < 6; i++) {
                assertEquals(scores[i], (float) r.get("recommendations").get(i).get("score").asDouble());
                assertEquals(scores[i], (float) p.get("outputs").get("scores").get(0).get(i).asDouble());
            }
            assertEquals(index.search(without, 6).identifiers(), ModelServerTest.ids(p.get("outputs").get("identifiers")
                    .get(1)).subList(0, 6), "an unknown bucket reads the OOV row, a 0 the mean: as no context");
            Http.Answer bad = http.post("/v1/models/retrieval:recommend",
                    "{\"query\": {\"user_id\": \"2\", \"timestamp_normalized\": \"soon\"}}");
            assertEquals(400, bad.status());
            assertTrue(bad.json().get("error").asText()
                    .contains("'query.timestamp_normalized' must be a finite number"), bad.body());
        }
    }
}
