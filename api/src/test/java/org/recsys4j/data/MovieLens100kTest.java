package org.recsys4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.testing.TestData;

class MovieLens100kTest {
    @TempDir
    Path dir;

    @Test
    void readsTheRealFilesAsTfdsDoes() {
        MovieLensData data = TestData.ml100k();
        Interactions ratings = data.ratings();
        assertEquals(100_000, ratings.size());
        assertEquals(943, new HashSet<>(Arrays.asList(ratings.strings("user_id"))).size());
        assertEquals(1682, data.movies().size());
        assertEquals(1664, new HashSet<>(Arrays.asList(data.movies().strings("movie_title"))).size());
        assertTrue(List.of(data.movies().strings("movie_title")).contains("Misérables, Les (1995)"),
                "u.item is Latin-1");
        // u.data line 1: 196\t242\t3\t881250949; movie 242 is Kolya (1996)
        assertEquals("196", ratings.strings("user_id")[0]);
        assertEquals("Kolya (1996)", ratings.strings("movie_title")[0]);
        assertEquals(3.0, ratings.numbers("user_rating")[0]);
        assertEquals(881250949.0, ratings.numbers("timestamp")[0]);
        assertEquals(3, data.files().size());
        data.files().values().forEach(h -> assertEquals(64, h.length()));
    }

    @Test
    void ageBucketsFollowTfds() {
        assertEquals(1, MovieLens100k.bucket(7));
        assertEquals(18, MovieLens100k.bucket(18));
        assertEquals(25, MovieLens100k.bucket(34));
        assertEquals(56, MovieLens100k.bucket(73));
    }

    private void writeValid(String data) {
        String item = "1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n"
                + "2|GoldenEye (1995)|01-Jan-1995||http://x|0|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0|1|0|0\n";
        TestData.write(dir, "u.item", item, StandardCharsets.ISO_8859_1);
        TestData.write(dir, "u.user", "1|24|M|technician|85711\n2|53|F|other|94043\n", StandardCharsets.US_ASCII);
        TestData.write(dir, "u.data", data, StandardCharsets.US_ASCII);
    }

    @Test
    void readsSmallGeneratedFiles() throws Exception {
        writeValid("1\t2\t5\t100\n2\t1\t3\t200\n");
        MovieLensData data = MovieLens100k.load(dir);
        assertEquals(2, data.ratings().size());
        assertEquals("GoldenEye (1995)", data.ratings().strings("movie_title")[0]);
        assertEquals("F", data.ratings().strings("user_gender")[1]);
        assertEquals(50.0, data.ratings().numbers("bucketized_user_age")[1]);
        assertEquals("Action|Adventure|Thriller", data.movies().strings("movie_genres")[1]);
    }

    @Test
    void malformedRatingNamesFileLineAndField() {
        writeValid("1\t2\t5\t100\n2\t1\tfive\t200\n");
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> MovieLens100k.load(dir));
        assertEquals(2, e.line());
        assertEquals("rating", e.field());
        assertTrue(e.getMessage().contains("u.data:2"), e.getMessage());
        assertTrue(e.getMessage().contains("'five'"), e.getMessage());
    }

    @Test
    void ratingOutOfRangeAndUnknownMovieAreRejected() {
        writeValid("1\t2\t9\t100\n");
        assertEquals("rating", assertThrows(MalformedDataException.class, () -> MovieLens100k.load(dir)).field());
        writeValid("1\t2\t4\t100\n1\t77\t4\t100\n");
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> MovieLens100k.load(dir));
        assertEquals("item id", e.field());
        assertEquals(2, e.line());
    }

    @Test
    void wrongFieldCountIsRejected() {
        writeValid("1\t2\t4\n");
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> MovieLens100k.load(dir));
        assertTrue(e.getMessage().contains("expected 4 tab-separated fields, found 3"), e.getMessage());
    }

    @Test
    void missingDirectoryExplainsWhatItLooksFor() {
        Exception e = assertThrows(java.io.IOException.class, () -> MovieLensDatasets.loadDirectory(dir));
        assertTrue(e.getMessage().contains("u.data"), e.getMessage());
    }
}
