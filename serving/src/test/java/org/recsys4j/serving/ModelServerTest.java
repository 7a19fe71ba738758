package org.recsys4j.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.data.Interactions;
import org.recsys4j.metrics.Scores;
import org.recsys4j.model.Embeddings;

/** Every endpoint of one server, over real HTTP on a free loopback port, and every bad request. */
class ModelServerTest {
    @TempDir
    static Path dir;
    static ModelServer server;
    static Http http;
    static ModelBundle bundle;

    @BeforeAll
    static void start() throws Exception {
        bundle = ServingFixtures.saveVersion(dir, 7, 3);
        server = ServingFixtures.serve(dir);
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The top k over the vocabulary by a full sort of every score: what the server must return. */
    static List<String> expected(String user, int k, Set<String> excluded) {
        List<String> titles = bundle.vocabularies().get("movie_title").vocabulary();
        Embeddings c = bundle.javaCandidateTower().embed(titles.toArray(String[]::new));
        float[] q = bundle.javaQueryTower().embed(user).data();
        List<Integer> order = new ArrayList<>();
        for (int j = 0; j < titles.size(); j++) {
            if (!excluded.contains(titles.get(j))) {
                order.add(j);
            }
        }
        order.sort(Comparator.<Integer>comparingDouble(j -> -Scores.dot(q, 0, c.data(), j * c.dim(), c.dim()))
                .thenComparingInt(j -> j));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            out.add(titles.get(order.get(i)));
        }
        return out;
    }

    static List<String> ids(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.has("id") ? n.get("id").asText() : n.asText()));
        return out;
    }

    @Test
    void healthReadinessAndMetrics() {
        assertEquals(200, http.get("/healthz").status());
        Http.Answer ready = http.get("/readyz");
        assertEquals(200, ready.status());
        assertEquals("7", ready.json().get("version").asText());
        http.post("/v1/models/retrieval:recommend", "{\"query\": {\"user_id\": \"42\"}}");
        http.post("/v1/models/retrieval:recommend", "{\"query\": 42}");
        String metrics = http.get("/metrics").body();
        assertTrue(metrics.contains("recsys4j_model_version{model=\"retrieval\"} 7.0"), metrics);
        assertTrue(metrics.contains("recsys4j_index_candidates{model=\"retrieval\"} 1664.0"), metrics);
        assertTrue(metrics.contains("recsys4j_requests_seconds_bucket{endpoint=\"recommend\",status=\"200\""), metrics);
        assertTrue(metrics.contains("recsys4j_requests_seconds_count{endpoint=\"recommend\",status=\"400\"}"), metrics);
    }

    @Test
    void predictInTfServingsRowAndColumnarFormats() {
        Http.Answer rows = http.post("/v1/models/retrieval:predict",
                "{\"instances\": [{\"user_id\": \"42\"}, \"7\", {\"user_id\": \"no such user\"}]}");
        assertEquals(200, rows.status(), rows.body());
        JsonNode p = rows.json().get("predictions");
        assertEquals(3, p.size());
        assertEquals(expected("42", 10, Set.of()), ids(p.get(0).get("identifiers")));
        assertEquals(expected("7", 10, Set.of()), ids(p.get(1).get("identifiers")));
        assertEquals(expected("no such user", 10, Set.of()), ids(p.get(2).get("identifiers")));
        assertEquals(10, p.get(0).get("scores").size());
        assertTrue(p.get(0).get("scores").get(0).asDouble() >= p.get(0).get("scores").get(9).asDouble());

        Http.Answer columns = http.post("/v1/models/retrieval/versions/7:predict",
                "{\"signature_name\": \"serving_default\", \"inputs\": {\"user_id\": [\"42\", \"7\"]}}");
        assertEquals(200, columns.status(), columns.body());
        JsonNode o = columns.json().get("outputs");
        assertEquals(expected("7", 10, Set.of()), ids(o.get("identifiers").get(1)));
        assertEquals(p.get(0).get("scores"), o.get("scores").get(0));
        assertEquals(o, http.post("/v1/models/retrieval:predict", "{\"inputs\": [\"42\", \"7\"]}").json()
                .get("outputs"));
    }

    @Test
    void recommendWithKExclusionsAndSeenItems() {
        JsonNode r = http.post("/v1/models/retrieval:recommend", "{\"query\": {\"user_id\": \"42\"}, \"k\": 25}")
                .json();
        assertEquals(expected("42", 25, Set.of()), ids(r.get("recommendations")));
        assertEquals("7", r.get("model_spec").get("version").asText());
        assertTrue(r.get("query_known").asBoolean());

        List<String> top = ids(r.get("recommendations"));
        Set<String> exclude = Set.of(top.get(0), top.get(3));
        JsonNode e = http.post("/v1/models/retrieval:recommend", "{\"query\": {\"user_id\": \"42\"}, \"exclude\": [\""
                + top.get(0).replace("\"", "\\\"") + "\", \"" + top.get(3).replace("\"", "\\\"") + "\"]}").json();
        assertEquals(expected("42", 10, exclude), ids(e.get("recommendations")));

        Interactions train = ServingFixtures.train();
        Set<String> seen = new HashSet<>();
        String[] users = train.strings("user_id");
        String[] titles = train.strings("movie_title");
        for (int i = 0; i < users.length; i++) {
            if (users[i].equals("42")) {
                seen.add(titles[i]);
            }
        }
        assertTrue(seen.size() > 50, "user 42 rated many movies");
        JsonNode s = http.post("/v1/models/retrieval:recommend",
                "{\"query\": {\"user_id\": \"42\"}, \"k\": 20, \"exclude_seen\": true}").json();
        List<String> unseen = ids(s.get("recommendations"));
        assertEquals(expected("42", 20, seen), unseen);
        assertFalse(unseen.stream().anyMatch(seen::contains));

        JsonNode unknown = http.post("/v1/models/retrieval:recommend", "{\"query\": {\"user_id\": \"x\"}}").json();
        assertFalse(unknown.get("query_known").asBoolean(), "an unknown user gets the OOV row's answer, as exports do");
    }

    @Test
    void similarItemsAreTheNearestCandidateEmbeddings() {
        String item = "Star Wars (1977)";
        JsonNode r = http.post("/v1/models/retrieval:similar", "{\"item\": \"" + item + "\", \"k\": 5}").json();
        List<String> titles = bundle.vocabularies().get("movie_title").vocabulary();
        Embeddings c = bundle.javaCandidateTower().embed(titles.toArray(String[]::new));
        float[] q = c.row(titles.indexOf(item));
        List<Integer> order = new ArrayList<>();
        for (int j = 0; j < titles.size(); j++) {
            if (!titles.get(j).equals(item)) {
                order.add(j);
            }
        }
        order.sort(Comparator.<Integer>comparingDouble(j -> -Scores.dot(q, 0, c.data(), j * c.dim(), c.dim()))
                .thenComparingInt(j -> j));
        assertEquals(order.subList(0, 5).stream().map(titles::get).toList(), ids(r.get("similar")));
        assertEquals(item, r.get("item").asText());
    }

    @Test
    void versionStatusAndMetadataInTfServingsShapes() {
        JsonNode status = http.get("/v1/models/retrieval").json().get("model_version_status");
        assertEquals(1, status.size());
        assertEquals("7", status.get(0).get("version").asText());
        assertEquals("AVAILABLE", status.get(0).get("state").asText());
        assertEquals("OK", status.get(0).get("status").get("error_code").asText());
        assertEquals(status, http.get("/v1/models/retrieval/versions/7").json().get("model_version_status"));

        JsonNode meta = http.get("/v1/models/retrieval/metadata").json();
        assertEquals("retrieval", meta.get("model_spec").get("name").asText());
        assertEquals("7", meta.get("model_spec").get("version").asText());
        JsonNode sig = meta.get("metadata").get("signature_def").get("signature_def").get("serving_default");
        assertEquals("DT_STRING", sig.get("inputs").get("user_id").get("dtype").asText());
        assertEquals("10", sig.get("outputs").get("scores").get("tensor_shape").get("dim").get(1).get("size").asText());
        assertEquals("tensorflow/serving/predict", sig.get("method_name").asText());
        JsonNode ours = meta.get("metadata").get("recsys4j");
        assertEquals("brute_force", ours.get("index").get("kind").asText());
        assertEquals(1664, ours.get("index").get("candidates").asInt());
        assertTrue(ours.get("seen_items").get("available").asBoolean());
        assertEquals(ServingFixtures.DIM, ours.get("spec").get("query").get("embeddingDim").asInt());
    }

    @Test
    void thePageIsServedFromTheJar() {
        Http.Answer page = http.get("/");
        assertEquals(200, page.status());
        assertTrue(page.contentType().startsWith("text/html"), page.contentType());
        assertTrue(page.body().contains("data-model=\"retrieval\"") && page.body().contains("/app.js"));
        assertTrue(http.get("/app.js").body().contains(":recommend"));
        assertEquals(200, http.get("/style.css").status());
    }

    /** Each bad request: its status and a message that names what is wrong; never a 5xx. */
    /**
     * A client that accepts a compressed answer gets one as Javalin gives it (gzip from 1,500
     * bytes): such requests are left to Javalin by {@link DirectPosts}, which answers the others.
     */
    @Test
    void aClientThatAcceptsGzipGetsItCompressed() throws Exception {
        String body = "{\"query\": {\"user_id\": \"42\"}, \"k\": 100}";
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/v1/models/retrieval:recommend")).header("Accept-Encoding", "gzip")
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals("gzip", r.headers().firstValue("Content-Encoding").orElse(""));
        byte[] plain;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
            plain = in.readAllBytes();
        }
        Http.Answer identity = http.post("/v1/models/retrieval:recommend", body);
        assertEquals(identity.body(), new String(plain, StandardCharsets.UTF_8));
    }

    @Test
    void badRequestsGetA4xxWithTfServingsErrorBody() {
        String rec = "/v1/models/retrieval:recommend";
        String predict = "/v1/models/retrieval:predict";
        String user42 = "{\"query\": {\"user_id\": \"42\"}, ";
        String[][] cases = {
            {"POST", rec, "", "400", "body is empty"},
            {"POST", rec, "{\"query\": ", "400", "not valid JSON"},
            {"POST", rec, "[1, 2]", "400", "must be a JSON object"},
            {"POST", rec, "{\"query\": {\"user_id\": \"42\"}, \"colour\": 1}", "400", "unknown field 'colour'"},
            {"POST", rec, user42 + "\"k\": 0}", "400", "'k' must be a whole number from 1 to 1000"},
            {"POST", rec, "{\"query\": {\"user_id\": \"42\"}, \"k\": 100000}", "400", "from 1 to 1000"},
            {"POST", rec, "{\"query\": {\"user_id\": \"42\"}, \"k\": 2.5}", "400", "'k' must be a whole number"},
            {"POST", rec, "{\"query\": {\"user_id\": \"42\"}, \"k\": \"10\"}", "400", "'k' must be a whole number"},
            {"POST", rec, "{\"query\": {\"user_id\": 42}}", "400",
                "'query.user_id' must be a string, got the number 42"},
            {"POST", rec, "{\"query\": {\"user\": \"42\"}}", "400", "unknown input 'user'"},
            {"POST", rec, "{\"query\": {}}", "400", "lacks 'user_id'"},
            {"POST", rec, "{\"k\": 3}", "400", "'query' is missing"},
            {"POST", rec, "{\"query\": {\"user_id\": \"42\"}, \"exclude\": \"x\"}", "400", "'exclude' must be a list"},
            {"POST", rec, user42 + "\"exclude\": [1]}", "400", "'exclude[0]' must be a string"},
            {"POST", rec, "{\"query\": {\"user_id\": \"42\"}, \"exclude_seen\": \"yes\"}", "400", "true or false"},
            {"POST", rec, "{\"query\": {\"user_id\": \"1\", \"user_id\": \"2\"}}", "400", "Duplicate field"},
            {"POST", "/v1/models/retrieval:predict", "{\"instances\": []}", "400", "'instances' is empty"},
            {"POST", "/v1/models/retrieval:predict", "{\"instances\": [1]}", "400", "must be a string"},
            {"POST", predict, "{\"instances\": [\"1\"], \"inputs\": [\"1\"]}", "400", "exactly one"},
            {"POST", "/v1/models/retrieval:predict", "{\"inputs\": {\"user_id\": \"1\"}}", "400", "list of ids"},
            {"POST", predict, "{\"signature_name\": \"other\", \"inputs\": [\"1\"]}", "400", "not a signature"},
            {"POST", "/v1/models/retrieval:similar", "{\"item\": \"No Such Movie\"}", "400", "not a candidate"},
            {"POST", "/v1/models/retrieval:similar", "{\"item\": 3}", "400", "'item' must be a candidate id"},
            {"POST", "/v1/models/other:recommend", "{\"query\": {\"user_id\": \"42\"}}", "404", "model 'other'"},
            {"POST", "/v1/models/retrieval/versions/3:predict", "{\"inputs\": [\"1\"]}", "404",
                "Specific(retrieval, 3)"},
            {"POST", "/v1/models/retrieval:explode", "{}", "404", "unknown method :explode"},
            {"POST", "/v1/models/retrieval", "{}", "405", "POST takes a verb"},
            {"GET", "/v1/models/retrieval:predict", "", "405", "takes POST"},
            {"GET", "/v1/models/retrieval/versions/99", "", "404", "Could not find version 99"},
            {"GET", "/v1/models/..%2F..%2Fetc%2Fpasswd/metadata", "", "4", ""},
            {"GET", "/v1/models/%2e%2e/metadata", "", "4", ""},
            {"GET", "/v1/models/retrieval/../../../etc/passwd", "", "4", ""},
            {"GET", "/v1/models/a%00b/metadata", "", "4", ""},
            {"GET", "/nothing/here", "", "404", "not found"},
            {"DELETE", "/v1/models/retrieval", "", "4", ""},
        };
        for (String[] c : cases) {
            Http.Answer a = switch (c[0]) {
                case "GET" -> http.get(c[1]);
                case "POST" -> http.post(c[1], c[2]);
                default -> http.send(c[0], c[1]);
            };
            String where = c[0] + " " + c[1] + " " + c[2] + " -> " + a.status() + " " + a.body();
            assertTrue(Integer.toString(a.status()).startsWith(c[3]), where);
            if (a.body().startsWith("{")) {
                JsonNode error = a.json().get("error");
                assertTrue(error != null && error.asText().contains(c[4]), where);
            } else {
                assertTrue(c[4].isEmpty(), where);
            }
        }
        byte[] big = new byte[(1 << 20) + 10];
        java.util.Arrays.fill(big, (byte) ' ');
        Http.Answer tooBig = http.post(rec, big);
        assertEquals(413, tooBig.status(), tooBig.body());
        assertTrue(tooBig.json().has("error"), tooBig.body());
        String metrics = http.get("/metrics").body();
        assertFalse(metrics.contains("status=\"500\""), "no request got a 500");
    }
}
