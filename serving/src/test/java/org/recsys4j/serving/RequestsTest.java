package org.recsys4j.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code :recommend}'s request read token by token gives what the tree gives, and the tree's errors. */
class RequestsTest {
    @TempDir
    Path dir;

    @Test
    void streamedAndTreeReadsAgree() throws Exception {
        ServingFixtures.saveVersion(dir, 1, 3);
        Servable s = Servable.load(1, dir.resolve("1"), null);
        ServingOptions options = ServingOptions.defaults(dir);
        Requests requests = new Requests(options);
        String[] valid = {
            "{\"query\": {\"user_id\": \"42\"}}",
            "{\"query\": {\"user_id\": \"42\"}, \"k\": 10}",
            "{\"k\": 1000, \"exclude_seen\": true, \"query\": {\"user_id\": \"nobody\"},"
                + " \"exclude\": [\"a\", \"a\"]}",
            "{\"query\": {\"user_id\": \"Ça \\\"va\\\" \\u00e9\"}, \"exclude\": [],"
                + " \"exclude_seen\": false} trailing",
            " {\"query\":{\"user_id\":\"7\"},\"k\":3,\"exclude\":[\"Star Wars (1977)\"]}",
        };
        for (String body : valid) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            assertNotNull(requests.streamed(b, s), "read without a tree: " + body);
            assertEquals(requests.recommend(requests.parse(b), s), requests.recommend(b, s), body);
        }
        String[] invalid = {
            "", "[]", "{",
            "{\"query\": {\"user_id\": \"1\"}, \"k\": 0}",
            "{\"query\": {\"user_id\": \"1\"}, \"k\": 1001}",
            "{\"query\": {\"user_id\": \"1\"}, \"k\": 2.0}",
            "{\"query\": {\"user_id\": \"1\"}, \"k\": 99999999999}",
            "{\"query\": {\"user_id\": \"1\"}, \"k\": 1, \"k\": 2}",
            "{\"query\": {\"user_id\": 1}}",
            "{\"query\": {\"user_id\": \"1\", \"user_id\": \"2\"}}",
            "{\"query\": {\"user\": \"1\"}}",
            "{\"query\": {}}",
            "{\"query\": \"1\"}",
            "{\"k\": 3}",
            "{\"query\": {\"user_id\": \"1\"}, \"exclude\": [1]}",
            "{\"query\": {\"user_id\": \"1\"}, \"exclude\": \"a\"}",
            "{\"query\": {\"user_id\": \"1\"}, \"exclude_seen\": 1}",
            "{\"query\": {\"user_id\": \"1\"}, \"extra\": 1}",
            "{\"query\": {\"user_id\": \"1\"}, \"exclude\": [\"a\" \"b\"]}",
        };
        for (String body : invalid) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            assertNull(requests.streamed(b, s), "left to the tree: " + body);
            ApiException tree = assertThrows(ApiException.class, () -> requests.recommend(requests.parse(b), s), body);
            ApiException read = assertThrows(ApiException.class, () -> requests.recommend(b, s), body);
            assertEquals(tree.getMessage(), read.getMessage(), body);
            assertEquals(400, read.status, body);
        }
        byte[] tooMany = ("{\"query\": {\"user_id\": \"1\"}, \"exclude\": [" + "\"x\",".repeat(options.maxExclude())
                + "\"y\"]}").getBytes(StandardCharsets.UTF_8);
        ApiException tree = assertThrows(ApiException.class, () -> requests.recommend(requests.parse(tooMany), s));
        assertEquals(tree.getMessage(), assertThrows(ApiException.class, () -> requests.recommend(tooMany, s))
                .getMessage());
    }
}
