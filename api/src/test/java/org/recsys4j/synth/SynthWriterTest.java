package org.recsys4j.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.split.SplitSpec;

class SynthWriterTest {
    private static final SynthSpec SMALL = SynthSpec.movieLens25mShape(7).withSize(400, 600, 24_000);

    @TempDir
    Path tmp;

    @Test
    void writesTheAskedShapeWithEveryUserOnceAndTimeOrderedRows() throws IOException {
        long[] seen = {0};
        SynthWriter.Result r = SynthWriter.write(SMALL, tmp.resolve("out"), SplitSpec.parse("last:0.2"), 1000,
                rows -> seen[0] = rows);
        assertEquals(24_000, r.rows());
        assertEquals(24_000, seen[0], "progress reached the end");
        List<String> lines = Files.readAllLines(tmp.resolve("out").resolve(SynthWriter.INTERACTIONS));
        assertEquals("user_id,item_id,timestamp", lines.get(0));
        assertEquals(24_001, lines.size());
        Set<String> pairs = new HashSet<>();
        int[] perUser = new int[401];
        long lastTime = Long.MIN_VALUE;
        int lastUser = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            int user = Integer.parseInt(f[0]);
            int item = Integer.parseInt(f[1]);
            long time = Long.parseLong(f[2]);
            assertTrue(user >= lastUser, "users in order");
            assertTrue(user > lastUser || time >= lastTime, "each user's rows by time");
            assertTrue(item >= 1 && item <= 600);
            assertTrue(time >= SMALL.start() && time <= SMALL.end());
            assertTrue(pairs.add(user + "," + item), "no item twice for a user: " + line);
            perUser[user]++;
            lastUser = user;
            lastTime = time;
        }
        for (int u = 1; u <= 400; u++) {
            assertTrue(perUser[u] >= 20 && perUser[u] <= 300, "user " + u + " has " + perUser[u]);
        }
        assertEquals(601, Files.readAllLines(tmp.resolve("out").resolve(SynthWriter.ITEMS)).size());
        // Zipf-like: the most popular item far above the median one
        long top = ((Number) r.shape().get("per_item_max")).longValue();
        long median = ((Number) r.shape().get("per_item_median")).longValue();
        assertTrue(top > 5 * median, top + " against " + median);
    }

    @Test
    void thePerfectModelIsScoredAndBeatsPopularity() throws IOException {
        SynthWriter.Result r = SynthWriter.write(SMALL, tmp.resolve("out"), SplitSpec.parse("last:0.2"), 1000,
                rows -> { });
        assertEquals(400, r.sampledUsers());
        double perfect = r.perfect().get("recall_at_100");
        double popular = r.popularity().get("recall_at_100");
        assertTrue(perfect > popular + 0.1 && perfect < 1, "perfect " + perfect + ", popularity " + popular);
        JsonNode summary = new ObjectMapper().readTree(tmp.resolve("out").resolve(SynthWriter.SUMMARY).toFile());
        assertEquals(perfect, summary.path("perfect").path("recall_at_100").asDouble(), 1e-12);
        assertEquals("last:0.2", summary.path("split").asText());
    }

    @Test
    void theSameSeedWritesTheSameBytes() throws IOException {
        SynthWriter.write(SMALL, tmp.resolve("a"), SplitSpec.parse("last:1"), 50, rows -> { });
        SynthWriter.write(SMALL, tmp.resolve("b"), SplitSpec.parse("last:1"), 50, rows -> { });
        assertArrayEquals(Files.readAllBytes(tmp.resolve("a").resolve(SynthWriter.INTERACTIONS)),
                Files.readAllBytes(tmp.resolve("b").resolve(SynthWriter.INTERACTIONS)));
    }

    @Test
    void nothingIsWrittenOverAnExistingDirectoryOrForANonUserSplit() throws IOException {
        Path foreign = Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(foreign.resolve("cat.jpg"), "meow");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SynthWriter.write(SMALL, foreign, SplitSpec.parse("last:0.2"), 10, rows -> { }));
        assertTrue(e.getMessage().contains(foreign + " exists already"), e.getMessage());
        assertTrue(Files.exists(foreign.resolve("cat.jpg")));
        // an earlier output is refused too: synth deletes nothing
        SynthWriter.write(SMALL, tmp.resolve("once"), SplitSpec.parse("last:1"), 10, rows -> { });
        assertThrows(IllegalArgumentException.class,
                () -> SynthWriter.write(SMALL, tmp.resolve("once"), SplitSpec.parse("last:1"), 10, rows -> { }));
        // an empty directory is taken
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        SynthWriter.write(SMALL, empty, SplitSpec.parse("last:1"), 10, rows -> { });
        assertTrue(Files.isRegularFile(empty.resolve(SynthWriter.INTERACTIONS)));
        assertThrows(IllegalArgumentException.class,
                () -> SynthWriter.write(SMALL, tmp.resolve("x"), SplitSpec.parse("random:0.8"), 10, rows -> { }));
        assertFalse(Files.exists(tmp.resolve("x")));
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> SMALL.withSize(10, 20, 1000));
        assertTrue(tooMany.getMessage().contains("do not fit"), tooMany.getMessage());
    }
}
