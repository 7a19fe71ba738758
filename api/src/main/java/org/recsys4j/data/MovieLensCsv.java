package org.recsys4j.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the MovieLens CSV family ({@code ratings.csv} + {@code movies.csv}: ml-latest-small,
 * ml-20m, ml-25m, ml-32m) into the same views as {@link MovieLens100k}. These releases carry no
 * user demographics, so the ratings view has user_id, movie_id, movie_title, user_rating and
 * timestamp only.
 */
public final class MovieLensCsv {
    private MovieLensCsv() {
    }

    /** Whether {@code dir} holds {@code ratings.csv} and {@code movies.csv}. */
    public static boolean isDataDir(Path dir) {
        return dir.resolve("ratings.csv").toFile().isFile() && dir.resolve("movies.csv").toFile().isFile();
    }

    /** Reads the ratings and movies of a CSV-family directory, with each file's SHA-256. */
    public static MovieLensData load(Path dir) throws IOException {
        Map<String, String> hashes = new LinkedHashMap<>();
        Path moviesFile = dir.resolve("movies.csv");
        List<String> ids = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        List<String> genres = new ArrayList<>();
        Map<String, String> titleById = new HashMap<>();
        try (LineReader in = new LineReader(moviesFile, StandardCharsets.UTF_8)) {
            expectHeader(in, "movieId,title,genres");
            for (String line = in.next(); line != null; line = in.next()) {
                if (line.isEmpty()) {
                    continue;
                }
                List<String> f = Csv.split(line, in);
                if (f.size() != 3) {
                    throw in.error("(record)", "expected 3 fields, found " + f.size());
                }
                String id = MovieLensRules.id(in, "movieId", f.get(0));
                String title = MovieLensRules.title(in, "title", f.get(1));
                if (titleById.put(id, title) != null) {
                    throw in.error("movieId", "movie " + id + " appears twice");
                }
                ids.add(id);
                titles.add(title);
                genres.add(f.get(2));
            }
            hashes.put("movies.csv", in.sha256());
        }
        Path ratingsFile = dir.resolve("ratings.csv");
        List<String> users = new ArrayList<>();
        List<String> movies = new ArrayList<>();
        double[] rating = new double[1 << 16];
        double[] timestamp = new double[1 << 16];
        int n = 0;
        try (LineReader in = new LineReader(ratingsFile, StandardCharsets.UTF_8)) {
            expectHeader(in, "userId,movieId,rating,timestamp");
            for (String line = in.next(); line != null; line = in.next()) {
                if (line.isEmpty()) {
                    continue;
                }
                String[] f = line.split(",", -1);
                if (f.length != 4) {
                    throw in.error("(record)", "expected 4 comma-separated fields, found " + f.length);
                }
                String user = MovieLensRules.id(in, "userId", f[0]);
                String movie = MovieLensRules.id(in, "movieId", f[1]);
                if (!titleById.containsKey(movie)) {
                    throw in.error("movieId", "movie " + movie + " is not in movies.csv");
                }
                if (n == rating.length) {
                    rating = Arrays.copyOf(rating, n * 2);
                    timestamp = Arrays.copyOf(timestamp, n * 2);
                }
                users.add(user);
                movies.add(movie);
                rating[n] = MovieLensRules.rating(in, "rating", f[2]);
                timestamp[n] = MovieLensRules.timestamp(in, "timestamp", f[3]);
                n++;
            }
            if (n == 0) {
                throw in.error("(file)", "no ratings, only the header; there is nothing to train on");
            }
            hashes.put("ratings.csv", in.sha256());
        }
        String[] ratedTitles = new String[n];
        for (int i = 0; i < n; i++) {
            ratedTitles[i] = titleById.get(movies.get(i));
        }
        Interactions ratings = Interactions.builder()
                .strings("user_id", users.toArray(String[]::new))
                .strings("movie_id", movies.toArray(String[]::new))
                .strings("movie_title", ratedTitles)
                .numbers("user_rating", Arrays.copyOf(rating, n))
                .numbers("timestamp", Arrays.copyOf(timestamp, n))
                .build();
        Interactions movieTable = Interactions.builder()
                .strings("movie_id", ids.toArray(String[]::new))
                .strings("movie_title", titles.toArray(String[]::new))
                .strings("movie_genres", genres.toArray(String[]::new))
                .build();
        return new MovieLensData(dir.getFileName().toString(), ratings, movieTable, hashes);
    }

    private static void expectHeader(LineReader in, String header) throws IOException {
        String first = in.next();
        if (first == null || !first.strip().replace("\uFEFF", "").equals(header)) {
            throw in.error("(header)", "expected the header '" + header + "', found "
                    + (first == null ? "an empty file" : MalformedDataException.quote(first)));
        }
    }

    /** RFC 4180 fields of one line: quoted fields may hold commas and doubled quotes. */
    static final class Csv {
        private Csv() {
        }

        static List<String> split(String line, LineReader in) throws MalformedDataException {
            List<String> out = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            int i = 0;
            while (true) {
                field.setLength(0);
                if (i < line.length() && line.charAt(i) == '"') {
                    i++;
                    while (true) {
                        if (i >= line.length()) {
                            throw in.error("field " + (out.size() + 1), "unterminated quoted field");
                        }
                        char c = line.charAt(i++);
                        if (c == '"') {
                            if (i < line.length() && line.charAt(i) == '"') {
                                field.append('"');
                                i++;
                            } else {
                                break;
                            }
                        } else {
                            field.append(c);
                        }
                    }
                    if (i < line.length() && line.charAt(i) != ',') {
                        throw in.error("field " + (out.size() + 1), "text after a closing quote");
                    }
                } else {
                    while (i < line.length() && line.charAt(i) != ',') {
                        field.append(line.charAt(i++));
                    }
                }
                out.add(field.toString());
                if (i >= line.length()) {
                    return out;
                }
                i++; // the comma
            }
        }
    }
}
