package org.recsys4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.bundle.SeenItems;
import org.recsys4j.index.TopK;
import org.recsys4j.model.Embeddings;
import org.recsys4j.onnx.OnnxExport;
import org.recsys4j.onnx.OnnxRetrievalIndex;
import org.recsys4j.serving.ModelServer;
import org.recsys4j.serving.ServingOptions;
import org.recsys4j.spi.BackendOptions;
import org.recsys4j.testing.TestData;

/**
 * {@code recsys4j serve} over a bundle that {@code recsys4j retrieval} trained (3 epochs, once for
 * the class): the server's top 10 equals {@code recommend}'s and {@code retrieval.onnx}'s for every
 * MovieLens user; and the command itself, as its own process, serves and stops on SIGTERM.
 */
class ServeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    @TempDir
    static Path tmp;
    static Path models;
    static ModelBundle bundle;
    static ModelServer server;
    static List<String> users;

    @BeforeAll
    static void trainAndServe() throws Exception {
        Path data = TestData.ml100kDir();
        assertEquals(0, Main.run("retrieval", "--data-dir", data.toString(), "--output-dir",
                tmp.resolve("out").toString()));
        Path trained = tmp.resolve("out/retrieval");
        assertTrue(SeenItems.exists(trained), "retrieval saves the training split's seen items with the bundle");
        models = tmp.resolve("served");
        copy(trained, models.resolve("1"));
        bundle = BundleIO.load(models.resolve("1"));
        users = bundle.vocabularies().get("user_id").vocabulary();
        assertEquals(943, users.size());
        server = ModelServer.start(ServingOptions.defaults(models).withPort(0).withPollSeconds(0));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    static JsonNode post(int port, String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    /** Every user's top 10 through :predict, one request for all 943. */
    static List<List<String>> servedTop10() throws Exception {
        var instances = JSON.createArrayNode();
        users.forEach(instances::add);
        JsonNode predictions = post(server.port(), "/v1/models/retrieval:predict",
                JSON.createObjectNode().set("instances", instances).toString()).get("predictions");
        List<List<String>> out = new ArrayList<>();
        for (JsonNode p : predictions) {
            List<String> ids = new ArrayList<>();
            p.get("identifiers").forEach(n -> ids.add(n.asText()));
            out.add(ids);
        }
        return out;
    }

    /**
     * {@code recommend} indexes the MovieLens movie list, where 18 titles occur twice (same title,
     * same embedding, same score, next to each other); the server indexes the bundle's title
     * vocabulary, each title once. So recommend's top 20 without repeats, cut to 10, is the top 10.
     */
    @Test
    void sameTop10AsRecommendForEveryUser() throws Exception {
        Path report = tmp.resolve("recommend.json");
        assertEquals(0, Main.run("recommend", "--bundle", models.resolve("1").toString(), "--user",
                String.join(",", users), "--k", "20", "--data-dir", TestData.ml100kDir().toString(),
                "--report", report.toString()));
        JsonNode byUser = JSON.readTree(report.toFile()).get("recommendations");
        List<List<String>> served = servedTop10();
        for (int i = 0; i < users.size(); i++) {
            LinkedHashSet<String> distinct = new LinkedHashSet<>();
            byUser.get(users.get(i)).forEach(n -> distinct.add(n.asText()));
            assertEquals(new ArrayList<>(distinct).subList(0, 10), served.get(i), "user " + users.get(i));
        }
    }

    @Test
    void sameTop10AsRetrievalOnnxForEveryUser() throws Exception {
        List<String> titles = bundle.vocabularies().get("movie_title").vocabulary();
        Embeddings candidates = bundle.javaCandidateTower().embed(titles.toArray(String[]::new));
        Path onnx = tmp.resolve("onnx");
        OnnxExport.write(bundle, titles, candidates, 10, onnx);
        List<List<String>> served = servedTop10();
        try (OnnxRetrievalIndex index = OnnxRetrievalIndex.open(onnx.resolve("retrieval.onnx"),
                BackendOptions.none())) {
            List<TopK> answers = index.query(users, 10);
            for (int i = 0; i < users.size(); i++) {
                assertEquals(answers.get(i).identifiers(), served.get(i), "user " + users.get(i));
            }
            // and the scores, through :recommend, within float rounding of ONNX Runtime's
            JsonNode r = post(server.port(), "/v1/models/retrieval:recommend", "{\"query\": {\"user_id\": \"42\"}}");
            float[] scores = new float[10];
            for (int i = 0; i < 10; i++) {
                scores[i] = (float) r.get("recommendations").get(i).get("score").asDouble();
            }
            assertArrayEquals(answers.get(users.indexOf("42")).scores(), scores, 1e-4f);
        }
    }

    /** The command as a user runs it: its own JVM, a free port, then SIGTERM stops it cleanly. */
    @Test
    void serveCommandServesAndStopsOnSigterm() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "serve", "--model-dir",
                models.toString(), "--port", "0", "--poll-seconds", "0")
                .redirectErrorStream(true).start();
        StringBuffer output = new StringBuffer();
        java.util.concurrent.CompletableFuture<Integer> port = new java.util.concurrent.CompletableFuture<>();
        Pattern serving = Pattern.compile("Serving model retrieval version 1 from .* on http://127\\.0\\.0\\.1:(\\d+)/");
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    output.append(line).append('\n');
                    Matcher m = serving.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                output.append("(reading stopped: ").append(e).append(")\n");
            }
            port.complete(-1);
        });
        reader.start();
        try {
            int at = port.get(90, TimeUnit.SECONDS);
            assertTrue(at > 0, "the command says where it serves:\n" + output);
            JsonNode r = post(at, "/v1/models/retrieval:recommend",
                    "{\"query\": {\"user_id\": \"42\"}, \"k\": 3, \"exclude_seen\": true}");
            assertEquals(3, r.get("recommendations").size());

            long start = System.nanoTime();
            // SIGTERM by kill(1): Process.destroy() would also close the pipes this test reads
            assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "it stops within 30 s of SIGTERM:\n" + output);
            reader.join(10_000);
            String all = output.toString();
            assertTrue(all.contains("stopped serving retrieval"), all);
            assertTrue(all.contains("\"POST /v1/models/retrieval:recommend\" 200"), "the access log:\n" + all);
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15), "a prompt stop:\n" + all);
        } finally {
            p.destroyForcibly();
        }
    }
}
