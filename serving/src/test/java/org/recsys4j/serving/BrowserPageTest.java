package org.recsys4j.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web page in a real browser: headless Chromium (Debian's {@code chromium}, which
 * {@code .ci/run} installs) loads it from a running server; the rendered DOM must show the same
 * recommendations and similar items the API gives, and a screenshot is kept under
 * {@code target/}. Skipped, saying so, only where no Chromium binary exists.
 */
class BrowserPageTest {
    @TempDir
    static Path dir;
    static ModelServer server;
    static Http http;
    static String chromium;

    @BeforeAll
    static void start() throws Exception {
        chromium = findChromium();
        assumeTrue(chromium != null, "no chromium binary on PATH (chromium, chromium-browser, google-chrome):"
                + " the browser test of the web page is skipped; `apt-get install chromium` runs it");
        ServingFixtures.saveVersion(dir, 1, 5);
        server = ServingFixtures.serve(dir);
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String findChromium() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                Path p = Path.of(d, name);
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        return null;
    }

    /** Runs headless Chromium on a page of the server with the given extra arguments; returns its output. */
    static String chromium(String page, String... args) throws IOException, InterruptedException {
        return chromium(dir, server.port(), page, args);
    }

    /** As {@link #chromium(String, String...)}, for the server on {@code port}, with its files under {@code dir}. */
    static String chromium(Path dir, int port, String page, String... args) throws IOException,
            InterruptedException {
        Path profile = Files.createTempDirectory(dir, "chromium-profile-");
        String binary = chromium != null ? chromium : findChromium();
        List<String> cmd = new ArrayList<>(List.of(binary, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + profile,
                "--virtual-time-budget=15000"));
        cmd.addAll(List.of(args));
        cmd.add("http://127.0.0.1:" + port + page);
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("chromium-stderr.txt").toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium finished within 90 s");
        assertEquals(0, p.exitValue(), "chromium: " + Files.readString(dir.resolve("chromium-stderr.txt")));
        return new String(out, StandardCharsets.UTF_8);
    }

    /** The data-id of each item in the list with this id, in order. */
    static List<String> listed(String dom, String listId) {
        Matcher list = Pattern.compile("<ol id=\"" + listId + "\">(.*?)</ol>", Pattern.DOTALL).matcher(dom);
        assertTrue(list.find(), "the page has its " + listId + " list:\n" + dom);
        List<String> out = new ArrayList<>();
        Matcher item = Pattern.compile("<li data-id=\"([^\"]*)\"").matcher(list.group(1));
        while (item.find()) {
            out.add(item.group(1).replace("&amp;", "&").replace("&quot;", "\"").replace("&lt;", "<")
                    .replace("&gt;", ">"));
        }
        return out;
    }

    @Test
    void pageShowsTheUsersRecommendationsFromTheQueryString() throws Exception {
        String dom = chromium("/?user=42", "--dump-dom");
        assertTrue(dom.contains("data-ready=\"true\""), "the page's script ran to the end:\n" + dom);
        JsonNode api = http.post("/v1/models/retrieval:recommend", "{\"query\": {\"user_id\": \"42\"}, \"k\": 10}")
                .json();
        assertEquals(ModelServerTest.ids(api.get("recommendations")), listed(dom, "recommendations"));
        assertTrue(dom.contains("Recommendations for user 42"), dom);
        assertTrue(dom.contains("Version 1: 1664 candidates (brute force index)"), dom);
        assertTrue(dom.contains("<option value=\"1\">"), "users to pick from:\n" + dom);

        Path shot = Path.of("target", "serving-page.png").toAbsolutePath();
        Files.createDirectories(shot.getParent());
        Files.deleteIfExists(shot);
        chromium("/?user=42", "--screenshot=" + shot, "--window-size=1280,1100", "--hide-scrollbars");
        assertTrue(Files.size(shot) > 10_000, "a screenshot of the page at " + shot);
    }

    @Test
    void pageShowsSimilarItems() throws Exception {
        String item = "Star Wars (1977)";
        String dom = chromium("/?item=" + URLEncoder.encode(item, StandardCharsets.UTF_8).replace("+", "%20"),
                "--dump-dom");
        JsonNode api = http.post("/v1/models/retrieval:similar", "{\"item\": \"" + item + "\"}").json();
        assertEquals(ModelServerTest.ids(api.get("similar")), listed(dom, "similar"));
        assertTrue(dom.contains("Similar to " + item), dom);
    }

    @Test
    void anUnknownItemShowsTheServersMessage() throws Exception {
        String dom = chromium("/?item=nothing%20at%20all", "--dump-dom");
        assertTrue(dom.contains("'item' nothing at all is not a candidate of version 1"), dom);
    }
}
