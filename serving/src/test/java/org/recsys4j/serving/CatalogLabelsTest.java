package org.recsys4j.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.bundle.BundleData;
import org.recsys4j.bundle.BundleIO;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.ItemCatalog;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.testing.TestData;

/**
 * A bundle whose candidates are ids (as {@code recsys4j train} makes them from a movie id column),
 * with a catalog labelling each with its title: the answers carry each id's {@code label}, and the
 * web page shows the titles, not the ids.
 */
class CatalogLabelsTest {
    static final int MOVIES = 300;
    @TempDir
    static Path dir;
    static ModelServer server;
    static Http http;
    static Map<String, String> titles = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        String[] ids = new String[MOVIES];
        String[] labels = new String[MOVIES];
        for (int i = 0; i < MOVIES; i++) {
            ids[i] = Integer.toString(i + 1);
            labels[i] = (i % 2 == 0 ? "L'Ami \"" : "Amélie ") + (i + 1) + " (1995)";
            titles.put(ids[i], labels[i]);
        }
        String[] users = {"1", "2", "3", "4"};
        String[] rated = {"1", "2", "3", "4"};
        MovieLensData data = new MovieLensData("ids", Interactions.builder().strings("user_id", users)
                .strings("movie_title", rated).build(), Interactions.builder().strings("movie_title", ids).build(),
                Map.of());
        BundleData catalog = new BundleData(Map.of("query_id", "user_id", "candidate_id", "movie_id"),
                new ItemCatalog(ids, labels, Map.of()), Map.of(), Map.of(), Map.of());
        BundleIO.save(TestData.untrainedMovieLensBundle(data, 8, 3), dir.resolve("1"), catalog.inBundle());
        server = ServingFixtures.serve(dir);
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void answersLabelEveryIdWithItsTitle() {
        JsonNode r = http.post("/v1/models/retrieval:recommend", "{\"query\": {\"user_id\": \"2\"}, \"k\": 20}").json();
        assertEquals(20, r.get("recommendations").size());
        for (JsonNode item : r.get("recommendations")) {
            assertEquals(titles.get(item.get("id").asText()), item.get("label").asText(), item.toString());
        }
        JsonNode s = http.post("/v1/models/retrieval:similar", "{\"item\": \"7\", \"k\": 5}").json();
        assertEquals(titles.get("7"), s.get("item_label").asText());
        for (JsonNode item : s.get("similar")) {
            assertEquals(titles.get(item.get("id").asText()), item.get("label").asText(), item.toString());
        }
    }

    @Test
    void thePageShowsTheTitles() throws Exception {
        assumeTrue(BrowserPageTest.findChromium() != null, "no chromium binary on PATH: the page's part is skipped");
        String dom = BrowserPageTest.chromium(dir, server.port(), "/?user=2&k=5", "--dump-dom");
        JsonNode api = http.post("/v1/models/retrieval:recommend", "{\"query\": {\"user_id\": \"2\"}, \"k\": 5}")
                .json();
        assertEquals(ModelServerTest.ids(api.get("recommendations")), BrowserPageTest.listed(dom, "recommendations"));
        for (JsonNode item : api.get("recommendations")) {
            // a text node: & < > escaped, quotes as they are
            String shown = ">" + titles.get(item.get("id").asText()).replace("&", "&amp;") + "<";
            assertTrue(dom.contains(shown), "the page shows " + shown + ":\n" + dom);
        }
        assertFalse(dom.contains("<a>2</a>"), "ids are not shown as such:\n" + dom);
    }
}
