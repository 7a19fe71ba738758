package org.recsys4j.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.recsys4j.index.TopK;

/** The hand-written {@code :recommend} answer is byte for byte what Jackson's databind writes. */
class RankedJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sameBytesAsJacksonForPlainAndAwkwardStrings() throws Exception {
        List<String> ids = List.of("42", "Café au lait (1994)", "say \"hi\"", "back\\slash", "tab\there",
                "line\nbreak", "bell\u0007", "del\u007f", "日本語", "smile \uD83D\uDE00", "</script>", "");
        float[] scores = new float[ids.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = 3.25f - i * 0.3712f;
        }
        scores[scores.length - 1] = Float.NaN;
        scores[scores.length - 2] = Float.NEGATIVE_INFINITY;
        scores[scores.length - 3] = 1e-12f;
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("42", "Star \"Wars\" (1977)");
        labels.put("日本語", "naïve\r\n");
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("item", "Café \"x\"");
        extra.put("item_label", "plain");
        extra.put("query_known", false);
        TopK top = new TopK(ids, scores);
        assertSameJson(jackson("my-model", 7, "similar", top, extra, labels),
                RankedJson.write("my-model", 7, "similar", top, extra, labels));
        Map<String, Object> known = Map.of("query_known", true);
        assertArrayEquals(jackson("retrieval", 1, "recommendations", top, known, Map.of()),
                RankedJson.write("retrieval", 1, "recommendations", top, known, Map.of()));
        TopK none = new TopK(List.of(), new float[0]);
        assertArrayEquals(jackson("m", 2, "recommendations", none, Map.of(), labels),
                RankedJson.write("m", 2, "recommendations", none, Map.of(), labels));
    }

    @Test
    void aLongAnswerGrowsTheBuffer() throws Exception {
        List<String> ids = new ArrayList<>();
        float[] scores = new float[1000];
        for (int i = 0; i < scores.length; i++) {
            ids.add("candidate number " + i + " with a long title to fill the buffer " + "é".repeat(i % 7));
            scores[i] = -i;
        }
        TopK top = new TopK(ids, scores);
        Map<String, Object> extra = Map.of("query_known", true);
        byte[] expected = jackson("retrieval", 3, "recommendations", top, extra, Map.of());
        assertArrayEquals(expected, RankedJson.write("retrieval", 3, "recommendations", top, extra, Map.of()));
        TopK small = new TopK(List.of("a"), new float[] {1f});
        assertArrayEquals(jackson("retrieval", 3, "recommendations", small, extra, Map.of()),
                RankedJson.write("retrieval", 3, "recommendations", small, extra, Map.of()),
                "the thread's buffer is reused from its start");
    }

    @Test
    void extraValuesAreStringsOrBooleans() {
        TopK top = new TopK(List.of("a"), new float[] {1f});
        assertThrows(IllegalArgumentException.class,
                () -> RankedJson.write("m", 1, "similar", top, Map.of("n", 3), Map.of()));
    }

    /** Byte for byte; compared as text first, for a readable failure. */
    private static void assertSameJson(byte[] expected, byte[] actual) {
        assertEquals(new String(expected, StandardCharsets.UTF_8), new String(actual, StandardCharsets.UTF_8));
        assertArrayEquals(expected, actual);
    }

    /** The answer as databind writes the same tree (maps keep their order). */
    private static byte[] jackson(String model, long version, String field, TopK top, Map<String, Object> extra,
            Map<String, String> labels) throws Exception {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("name", model);
        spec.put("version", Long.toString(version));
        spec.put("signature_name", Responses.SIGNATURE);
        root.put("model_spec", spec);
        root.putAll(extra);
        List<Object> results = new ArrayList<>();
        float[] scores = top.scores();
        for (int i = 0; i < scores.length; i++) {
            Map<String, Object> r = new LinkedHashMap<>();
            String id = top.identifiers().get(i);
            r.put("id", id);
            if (labels.containsKey(id)) {
                r.put("label", labels.get(id));
            }
            r.put("score", scores[i]);
            results.add(r);
        }
        root.put(field, results);
        return JSON.writeValueAsBytes(root);
    }
}
