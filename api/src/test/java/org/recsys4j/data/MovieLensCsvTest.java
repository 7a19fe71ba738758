package org.recsys4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.testing.TestData;

class MovieLensCsvTest {
    @TempDir
    Path dir;

    @Test
    void readsQuotedTitlesWithCommas() throws Exception {
        TestData.write(dir, "movies.csv", "movieId,title,genres\n1,Toy Story (1995),Animation|Comedy\n"
                + "11,\"American President, The (1995)\",Comedy|Drama|Romance\n"
                + "12,\"Dracula: Dead and \"\"Loving\"\" It (1995)\",Comedy|Horror\n", StandardCharsets.UTF_8);
        TestData.write(dir, "ratings.csv", "userId,movieId,rating,timestamp\n1,11,4.0,964982703\n"
                + "2,12,3.5,964981247\n", StandardCharsets.UTF_8);
        MovieLensData data = MovieLensDatasets.loadDirectory(dir);
        assertEquals(2, data.ratings().size());
        assertEquals("American President, The (1995)", data.ratings().strings("movie_title")[0]);
        assertEquals("Dracula: Dead and \"Loving\" It (1995)", data.ratings().strings("movie_title")[1]);
        assertEquals(3.5, data.ratings().numbers("user_rating")[1]);
        assertEquals(3, data.movies().size());
    }

    @Test
    void badHeaderAndBadNumbersAreNamed() {
        TestData.write(dir, "movies.csv", "id,title\n", StandardCharsets.UTF_8);
        TestData.write(dir, "ratings.csv", "userId,movieId,rating,timestamp\n", StandardCharsets.UTF_8);
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> MovieLensCsv.load(dir));
        assertEquals("(header)", e.field());

        TestData.write(dir, "movies.csv", "movieId,title,genres\n1,A,Drama\n", StandardCharsets.UTF_8);
        TestData.write(dir, "ratings.csv", "userId,movieId,rating,timestamp\n1,1,4.0,1\n1,1,x,2\n",
                StandardCharsets.UTF_8);
        e = assertThrows(MalformedDataException.class, () -> MovieLensCsv.load(dir));
        assertEquals(3, e.line());
        assertEquals("rating", e.field());
        assertTrue(e.getMessage().contains("ratings.csv:3"), e.getMessage());
    }

    @Test
    void unterminatedQuoteIsRejected() {
        TestData.write(dir, "movies.csv", "movieId,title,genres\n1,\"Open,Drama\n", StandardCharsets.UTF_8);
        TestData.write(dir, "ratings.csv", "userId,movieId,rating,timestamp\n", StandardCharsets.UTF_8);
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> MovieLensCsv.load(dir));
        assertTrue(e.getMessage().contains("unterminated"), e.getMessage());
    }
}
