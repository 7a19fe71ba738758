package org.recsys4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.recsys4j.testing.TestData;

/**
 * The MovieLens 100k reader and the CSV reader take the same values and reject the same ones with
 * the same words, and their messages say where a bad byte is and never echo a huge field whole.
 */
class ReaderRulesTest {
    @TempDir
    Path tmp;

    /** One MovieLens 100k directory and one CSV directory holding the same single rating. */
    private Path[] both(String title, String user, String rating, String timestamp) {
        Path k100 = directory("100k");
        Path csv = directory("csv");
        String flags = "|0".repeat(19);
        TestData.write(k100, "u.item", "1|" + title + "|01-Jan-1995||http://x" + flags + "\n",
                StandardCharsets.ISO_8859_1);
        TestData.write(k100, "u.user", "1|24|M|technician|85711\n", StandardCharsets.US_ASCII);
        TestData.write(k100, "u.data", user + "\t1\t" + rating + "\t" + timestamp + "\n", StandardCharsets.US_ASCII);
        TestData.write(csv, "movies.csv", "movieId,title,genres\n1," + title + ",Drama\n", StandardCharsets.UTF_8);
        TestData.write(csv, "ratings.csv", "userId,movieId,rating,timestamp\n" + user + ",1," + rating + ","
                + timestamp + "\n", StandardCharsets.UTF_8);
        return new Path[] {k100, csv};
    }

    private Path directory(String name) {
        try {
            return Files.createDirectories(tmp.resolve(name));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "rating 99; Toy Story (1995); 1; 99; 100; rating; expected a rating from 0.5 to 5 in half stars, found '99'",
        "rating -3; Toy Story (1995); 1; -3; 100; rating; expected a rating from 0.5 to 5 in half stars, found '-3'",
        "rating 0; Toy Story (1995); 1; 0; 100; rating; expected a rating from 0.5 to 5 in half stars, found '0'",
        "rating 2.3; Toy Story (1995); 1; 2.3; 100; rating; expected a rating from 0.5 to 5 in half stars, found '2.3'",
        "rating NaN; Toy Story (1995); 1; NaN; 100; rating; expected a rating from 0.5 to 5 in half stars, found 'NaN'",
        "rating text; Toy Story (1995); 1; five; 100; rating; expected a rating, found 'five'",
        "blank title; '   '; 1; 4; 100; title; empty title",
        "negative time; Toy Story (1995); 1; 4; -5; timestamp; expected 0 or more, found '-5'",
        "negative user; Toy Story (1995); -1; 4; 100; user; expected 0 or more, found '-1'",
    })
    void bothReadersRejectTheSameValuesWithTheSameWords(String what, String title, String user, String rating,
            String timestamp, String field, String problem) {
        for (Path dir : both(title, user, rating, timestamp)) {
            MalformedDataException e = assertThrows(MalformedDataException.class,
                    () -> MovieLensDatasets.loadDirectory(dir), what + " in " + dir);
            assertTrue(e.field().toLowerCase().contains(field), what + ": field " + e.field());
            assertTrue(e.getMessage().endsWith(problem), what + ": " + e.getMessage());
        }
    }

    @Test
    void bothReadersTakeHalfStarsAndTheSameGoodRecord() throws IOException {
        for (Path dir : both("Toy Story (1995)", "001", "4.5", "100")) {
            MovieLensData data = MovieLensDatasets.loadDirectory(dir);
            assertEquals("1", data.ratings().strings("user_id")[0], "ids in canonical form: " + dir);
            assertEquals(4.5, data.ratings().numbers("user_rating")[0]);
            assertEquals(100.0, data.ratings().numbers("timestamp")[0]);
        }
    }

    @Test
    void anInvalidByteIsReportedAtItsLineAndByteOffset() throws IOException {
        Path dir = directory("utf8");
        TestData.write(dir, "ratings.csv", "userId,movieId,rating,timestamp\n", StandardCharsets.UTF_8);
        // line 3 starts at byte 21 + 15 = 36; the bad byte 0xE9 (a Latin-1 e-acute) is its 10th byte
        byte[] head = "movieId,title,genres\n1,Toy (1995),A\n2,Les Mis".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "rables (1995),Drama\n".getBytes(StandardCharsets.US_ASCII);
        byte[] file = new byte[head.length + 1 + tail.length];
        System.arraycopy(head, 0, file, 0, head.length);
        file[head.length] = (byte) 0xE9;
        System.arraycopy(tail, 0, file, head.length + 1, tail.length);
        Files.write(dir.resolve("movies.csv"), file);
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> MovieLensCsv.load(dir));
        assertEquals(3, e.line(), e.getMessage());
        assertTrue(e.getMessage().contains("movies.csv:3:"), e.getMessage());
        assertTrue(e.getMessage().contains("not valid UTF-8: byte 0xE9 at byte offset 45 of the file (byte 10 of"
                + " the line)"), e.getMessage());
    }

    @Test
    void windowsAndOldMacLineEndsCountLinesAsUnixOnesDo() throws IOException {
        Path dir = directory("crlf");
        TestData.write(dir, "movies.csv", "movieId,title,genres\r\n1,A (1995),Drama\r2,B (1995),Drama\r\n",
                StandardCharsets.UTF_8);
        TestData.write(dir, "ratings.csv", "userId,movieId,rating,timestamp\r\n1,1,4,1\r\n1,2,x,2\r\n",
                StandardCharsets.UTF_8);
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> MovieLensCsv.load(dir));
        assertEquals(3, e.line(), e.getMessage());
        TestData.write(dir, "ratings.csv", "userId,movieId,rating,timestamp\r\n1,1,4,1\r\n1,2,3,2\r\n",
                StandardCharsets.UTF_8);
        assertEquals("B (1995)", MovieLensCsv.load(dir).ratings().strings("movie_title")[1]);
    }

    @Test
    void aHugeBadFieldIsCutInTheMessage() {
        String huge = "9".repeat(20 << 20);
        for (Path dir : both("Toy Story (1995)", "1", huge, "100")) {
            MalformedDataException e = assertThrows(MalformedDataException.class,
                    () -> MovieLensDatasets.loadDirectory(dir));
            assertTrue(e.getMessage().length() < 400, "message of " + e.getMessage().length() + " characters");
            assertTrue(e.getMessage().contains("'" + "9".repeat(60) + "...' (20,971,520 characters)"),
                    e.getMessage());
        }
    }

    @Test
    void quoteEscapesControlCharactersAndCutsLongValues() {
        assertEquals("'a\\tb\\u0000c'", MalformedDataException.quote("a\tb\u0000c"));
        assertEquals("'" + "x".repeat(80) + "'", MalformedDataException.quote("x".repeat(80)));
        assertEquals("'" + "x".repeat(60) + "...' (81 characters)", MalformedDataException.quote("x".repeat(81)));
        assertEquals("nothing", MalformedDataException.quote(null));
    }
}
