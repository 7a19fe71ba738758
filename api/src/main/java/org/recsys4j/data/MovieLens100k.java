package org.recsys4j.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the MovieLens 100k files ({@code u.data}, {@code u.item}, {@code u.user}) into the views
 * TFDS calls {@code movielens/100k-ratings} and {@code movielens/100k-movies}.
 *
 * <p>{@code u.item} is Latin-1 (titles such as "Misérables, Les (1995)"); the other files are
 * ASCII. Ids stay strings, as TFDS gives them, because they are vocabulary keys, not numbers.
 */
public final class MovieLens100k {
    static final String[] GENRES = {
        "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama",
        "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western"
    };
    /** TFDS's age buckets for MovieLens 100k: the largest boundary not above the age. */
    private static final int[] AGE_BUCKETS = {1, 18, 25, 35, 45, 50, 56};
    private static final Pattern PIPE = Pattern.compile("\\|");
    private static final Pattern TAB = Pattern.compile("\t");

    private MovieLens100k() {
    }

    /** Whether {@code dir} holds the 100k files. */
    public static boolean isDataDir(Path dir) {
        return dir.resolve("u.data").toFile().isFile() && dir.resolve("u.item").toFile().isFile();
    }

    /** Reads the ratings, movies and users of a MovieLens 100k directory, with each file's SHA-256. */
    public static MovieLensData load(Path dir) throws IOException {
        Map<String, String> hashes = new LinkedHashMap<>();
        Movies movies = readMovies(dir.resolve("u.item"), hashes);
        Map<String, String[]> users = readUsers(dir.resolve("u.user"), hashes);
        Interactions ratings = readRatings(dir.resolve("u.data"), movies, users, hashes);
        return new MovieLensData("ml-100k", ratings, movies.table(), hashes);
    }

    private record Movies(Map<String, String> titleById, Interactions table) {
    }

    private static Movies readMovies(Path file, Map<String, String> hashes) throws IOException {
        List<String> ids = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        List<String> genres = new ArrayList<>();
        Map<String, String> titleById = new HashMap<>();
        try (LineReader in = new LineReader(file, StandardCharsets.ISO_8859_1)) {
            for (String line = in.next(); line != null; line = in.next()) {
                if (line.isEmpty()) {
                    continue;
                }
                String[] f = PIPE.split(line, -1);
                if (f.length != 5 + GENRES.length) {
                    throw in.error("(record)", "expected " + (5 + GENRES.length) + " '|'-separated fields, found "
                            + f.length);
                }
                String id = MovieLensRules.id(in, "movie id", f[0]);
                String title = MovieLensRules.title(in, "movie title", f[1]);
                if (titleById.put(id, title) != null) {
                    throw in.error("movie id", "movie " + id + " appears twice");
                }
                StringBuilder g = new StringBuilder();
                for (int i = 0; i < GENRES.length; i++) {
                    String flag = f[5 + i].trim();
                    if (!flag.equals("0") && !flag.equals("1")) {
                        throw in.error("genre " + GENRES[i], "expected 0 or 1, found "
                                + MalformedDataException.quote(flag));
                    }
                    if (flag.equals("1")) {
                        g.append(g.length() == 0 ? "" : "|").append(GENRES[i]);
                    }
                }
                ids.add(id);
                titles.add(title);
                genres.add(g.toString());
            }
            hashes.put(file.getFileName().toString(), in.sha256());
        }
        Interactions table = Interactions.builder()
                .strings("movie_id", ids.toArray(String[]::new))
                .strings("movie_title", titles.toArray(String[]::new))
                .strings("movie_genres", genres.toArray(String[]::new))
                .build();
        return new Movies(titleById, table);
    }

    /** user id to {age, gender, occupation, zip}. */
    private static Map<String, String[]> readUsers(Path file, Map<String, String> hashes) throws IOException {
        Map<String, String[]> users = new HashMap<>();
        try (LineReader in = new LineReader(file, StandardCharsets.ISO_8859_1)) {
            for (String line = in.next(); line != null; line = in.next()) {
                if (line.isEmpty()) {
                    continue;
                }
                String[] f = PIPE.split(line, -1);
                if (f.length != 5) {
                    throw in.error("(record)", "expected 5 '|'-separated fields, found " + f.length);
                }
                String id = MovieLensRules.id(in, "user id", f[0]);
                long age = in.parseLong("age", f[1]);
                if (age <= 0 || age > 150) {
                    throw in.error("age", "age out of range: " + age);
                }
                if (!f[2].equals("M") && !f[2].equals("F")) {
                    throw in.error("gender", "expected M or F, found " + MalformedDataException.quote(f[2]));
                }
                users.put(id, new String[] {String.valueOf(age), f[2], f[3], f[4]});
            }
            hashes.put(file.getFileName().toString(), in.sha256());
        }
        return users;
    }

    private static Interactions readRatings(Path file, Movies movies, Map<String, String[]> users,
            Map<String, String> hashes) throws IOException {
        int capacity = 100_000;
        List<String> userIds = new ArrayList<>(capacity);
        List<String> movieIds = new ArrayList<>(capacity);
        double[] rating = new double[capacity];
        double[] timestamp = new double[capacity];
        int n = 0;
        try (LineReader in = new LineReader(file, StandardCharsets.ISO_8859_1)) {
            for (String line = in.next(); line != null; line = in.next()) {
                if (line.isEmpty()) {
                    continue;
                }
                String[] f = TAB.split(line, -1);
                if (f.length != 4) {
                    throw in.error("(record)", "expected 4 tab-separated fields, found " + f.length);
                }
                String user = MovieLensRules.id(in, "user id", f[0]);
                String movie = MovieLensRules.id(in, "item id", f[1]);
                if (!movies.titleById().containsKey(movie)) {
                    throw in.error("item id", "movie " + movie + " is not in u.item");
                }
                double r = MovieLensRules.rating(in, "rating", f[2]);
                if (n == rating.length) {
                    rating = java.util.Arrays.copyOf(rating, n * 2);
                    timestamp = java.util.Arrays.copyOf(timestamp, n * 2);
                }
                userIds.add(user);
                movieIds.add(movie);
                rating[n] = r;
                timestamp[n] = MovieLensRules.timestamp(in, "timestamp", f[3]);
                n++;
            }
            if (n == 0) {
                throw in.error("(file)", "no ratings; there is nothing to train on");
            }
            hashes.put(file.getFileName().toString(), in.sha256());
        }
        String[] titles = new String[n];
        String[] gender = new String[n];
        String[] occupation = new String[n];
        String[] zip = new String[n];
        double[] rawAge = new double[n];
        double[] bucketAge = new double[n];
        for (int i = 0; i < n; i++) {
            titles[i] = movies.titleById().get(movieIds.get(i));
            String[] user = users.get(userIds.get(i));
            if (user == null) {
                throw new MalformedDataException(file, i + 1, "user id",
                        "user " + userIds.get(i) + " is not in u.user");
            }
            rawAge[i] = Integer.parseInt(user[0]);
            bucketAge[i] = bucket((int) rawAge[i]);
            gender[i] = user[1];
            occupation[i] = user[2];
            zip[i] = user[3];
        }
        return Interactions.builder()
                .strings("user_id", userIds.toArray(String[]::new))
                .strings("movie_id", movieIds.toArray(String[]::new))
                .strings("movie_title", titles)
                .strings("user_gender", gender)
                .strings("user_occupation_text", occupation)
                .strings("user_zip_code", zip)
                .numbers("user_rating", java.util.Arrays.copyOf(rating, n))
                .numbers("timestamp", java.util.Arrays.copyOf(timestamp, n))
                .numbers("raw_user_age", rawAge)
                .numbers("bucketized_user_age", bucketAge)
                .build();
    }

    static int bucket(int age) {
        int b = AGE_BUCKETS[0];
        for (int boundary : AGE_BUCKETS) {
            if (age >= boundary) {
                b = boundary;
            }
        }
        return b;
    }
}
