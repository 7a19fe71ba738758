package org.recsys4j.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.index.ScannIndex;
import org.recsys4j.index.ScannIndexIO;
import org.recsys4j.index.ScannParameters;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.bundle.SeenItems;

/**
 * Versions as TF Serving handles them: the newest loads, a new one is swapped in under load with
 * no failed request, a damaged one is refused (the old one keeps serving, the status says why), a
 * fixed copy of it loads, and a bundle with a ScaNN index serves through the index.
 */
class HotReloadTest {
    @TempDir
    Path dir;

    static String rec(String user) {
        return "{\"query\": {\"user_id\": \"" + user + "\"}, \"k\": 10}";
    }

    @Test
    void newVersionsSwapInUnderConcurrentRequestsAndDamagedOnesAreRefused() throws Exception {
        ServingFixtures.saveVersion(dir, 1, 11);
        ServingFixtures.saveVersion(dir, 2, 12);
        try (ModelServer server = ModelServer.start(ServingOptions.defaults(dir).withPort(0).withPollSeconds(0.05))) {
            Http http = new Http(server.port());
            assertEquals(2, server.servingVersion(), "the newest version serves");
            JsonNode v2 = http.post("/v1/models/retrieval:recommend", rec("42")).json();

            // Clients hammer the server while versions 3 (good), 4 (damaged) and 5 (good) appear.
            AtomicBoolean run = new AtomicBoolean(true);
            AtomicInteger ok = new AtomicInteger();
            List<String> failures = new CopyOnWriteArrayList<>();
            Map<String, Integer> versionsSeen = new ConcurrentHashMap<>();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                Thread t = new Thread(() -> {
                    for (int i = 0; run.get() && i < 20_000; i++) {
                        Http.Answer a = http.post("/v1/models/retrieval:recommend", rec(Integer.toString(1 + i % 943)));
                        if (a.status() != 200) {
                            failures.add(a.status() + " " + a.body());
                        } else {
                            ok.incrementAndGet();
                            versionsSeen.merge(a.json().get("model_spec").get("version").asText(), 1, Integer::sum);
                        }
                    }
                });
                t.start();
                clients.add(t);
            }
            Thread.sleep(300);
            ServingFixtures.saveVersion(dir, 3, 13);
            waitFor(() -> server.servingVersion() == 3, "version 3 swaps in");
            Thread.sleep(300);

            // version 4 is written aside, damaged (one flipped bit in the weights), then renamed into place
            Path aside = Files.createTempDirectory(dir, ".aside-");
            ServingFixtures.saveVersion(aside, 4, 14);
            Path asideWeights = BundleIO.files(aside.resolve("4")).weights();
            byte[] raw = Files.readAllBytes(asideWeights);
            raw[raw.length - 5] ^= 0x40;
            Files.write(asideWeights, raw, StandardOpenOption.TRUNCATE_EXISTING);
            Files.move(aside.resolve("4"), dir.resolve("4"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Path weights = dir.resolve("4").resolve(asideWeights.getFileName());
            waitFor(() -> "END".equals(state(http, 4)), "version 4 is refused");
            Thread.sleep(300);
            run.set(false);
            for (Thread t : clients) {
                t.join(60_000);
            }
            assertEquals(List.of(), failures, "no request failed during the swaps");
            assertTrue(ok.get() > 50, ok + " requests answered");
            assertTrue(versionsSeen.containsKey("3"), "requests saw the new version: " + versionsSeen);
            assertEquals(3, server.servingVersion(), "the damaged version 4 did not replace 3");

            JsonNode four = version(http, 4);
            assertEquals("UNKNOWN", four.get("status").get("error_code").asText());
            String why = four.get("status").get("error_message").asText();
            assertTrue(why.contains(weights.toString()) && why.contains("damaged"), why);
            assertEquals("AVAILABLE", state(http, 3));
            assertEquals("END", state(http, 2));
            assertEquals("OK", version(http, 2).get("status").get("error_code").asText());
            assertEquals(404, http.post("/v1/models/retrieval/versions/2:predict", "{\"inputs\": [\"1\"]}").status());
            assertTrue(http.get("/metrics").body().contains("recsys4j_model_version{model=\"retrieval\"} 3.0"));

            // Putting the version right (new files) has it tried again, and it loads.
            ModelBundle b4 = ServingFixtures.bundle(14);
            BundleIO.save(b4, dir.resolve("4"));
            waitFor(() -> server.servingVersion() == 4, "the repaired version 4 loads");
            assertEquals("AVAILABLE", state(http, 4));
            JsonNode v4 = http.post("/v1/models/retrieval:recommend", rec("42")).json();
            assertEquals("4", v4.get("model_spec").get("version").asText());
            assertTrue(!v4.get("recommendations").equals(v2.get("recommendations")), "another model answers");
        }
    }

    @Test
    void aDamagedNewestVersionAtStartFallsBackToTheOneBefore() throws Exception {
        ServingFixtures.saveVersion(dir, 1, 21);
        Files.createDirectories(dir.resolve("2"));
        Files.writeString(dir.resolve("2").resolve(BundleIO.MODEL_FILE), "{\"format\": \"recsys4j-bundle\"");
        Files.createDirectories(dir.resolve(".3.writing-123")); // an unfinished atomic write: not a version
        Files.createDirectories(dir.resolve("notes"));
        try (ModelServer server = ServingFixtures.serve(dir)) {
            assertEquals(1, server.servingVersion());
            Http http = new Http(server.port());
            JsonNode two = version(http, 2);
            assertEquals("END", two.get("state").asText());
            assertTrue(two.get("status").get("error_message").asText().contains("not valid JSON"), two.toString());
            assertEquals(2, http.get("/v1/models/retrieval").json().get("model_version_status").size());
        }
    }

    @Test
    void noVersionYetMeansNotReadyThenReady() throws Exception {
        try (ModelServer server = ModelServer.start(ServingOptions.defaults(dir).withPort(0).withPollSeconds(0.05))) {
            Http http = new Http(server.port());
            assertEquals(503, http.get("/readyz").status());
            assertEquals(200, http.get("/healthz").status());
            assertEquals(404, http.post("/v1/models/retrieval:recommend", rec("1")).status());
            ServingFixtures.saveVersion(dir, 5, 31);
            waitFor(() -> server.servingVersion() == 5, "version 5 loads");
            assertEquals(200, http.get("/readyz").status());
        }
    }

    @Test
    void aBundleWithAScannIndexServesThroughIt() throws Exception {
        ModelBundle b = ServingFixtures.bundle(41);
        List<String> titles = b.vocabularies().get("movie_title").vocabulary();
        ScannIndex index = new ScannIndex(b.javaQueryTower(), ScannParameters.defaults().withNumLeaves(20)
                .withNumLeavesToSearch(20).withNumReorderingCandidates(200))
                .index(titles, b.javaCandidateTower().embed(titles.toArray(String[]::new)));
        BundleIO.save(b, dir.resolve("1"), ScannIndexIO.inBundle(index));
        try (ModelServer server = ServingFixtures.serve(dir)) {
            Http http = new Http(server.port());
            JsonNode meta = http.get("/v1/models/retrieval/metadata").json().get("metadata").get("recsys4j");
            assertEquals("scann", meta.get("index").get("kind").asText());
            JsonNode r = http.post("/v1/models/retrieval:recommend", rec("42")).json();
            assertEquals(index.query("42", 10).identifiers(), ModelServerTest.ids(r.get("recommendations")));
            JsonNode s = http.post("/v1/models/retrieval:similar", "{\"item\": \"Star Wars (1977)\", \"k\": 3}").json();
            assertEquals(3, s.get("similar").size());
            Http.Answer seen = http.post("/v1/models/retrieval:recommend",
                    "{\"query\": {\"user_id\": \"42\"}, \"exclude_seen\": true}");
            assertEquals(400, seen.status());
            assertTrue(seen.json().get("error").asText().contains("no seen items"), seen.body());
        }

        // --seen FILE gives the seen items a version lacks
        Path seenFile = dir.resolve("seen.safetensors");
        var train = ServingFixtures.train();
        SeenItems.of(b, train.strings("user_id"), train.strings("movie_title")).save(seenFile);
        try (ModelServer server = ModelServer.start(ServingOptions.defaults(dir).withPort(0).withPollSeconds(0)
                .withSeenFile(seenFile))) {
            Http http = new Http(server.port());
            JsonNode r = http.post("/v1/models/retrieval:recommend",
                    "{\"query\": {\"user_id\": \"42\"}, \"exclude_seen\": true, \"k\": 50}").json();
            List<String> ids = ModelServerTest.ids(r.get("recommendations"));
            assertEquals(50, ids.size());
            String[] users = train.strings("user_id");
            String[] rated = train.strings("movie_title");
            for (int i = 0; i < users.length; i++) {
                if (users[i].equals("42")) {
                    assertTrue(!ids.contains(rated[i]), rated[i] + " was seen by user 42");
                }
            }
        }
    }

    static JsonNode version(Http http, long v) {
        Http.Answer a = http.get("/v1/models/retrieval/versions/" + v);
        return a.status() == 200 ? a.json().get("model_version_status").get(0) : null;
    }

    static String state(Http http, long v) {
        JsonNode s = version(http, v);
        return s == null ? null : s.get("state").asText();
    }

    static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}
