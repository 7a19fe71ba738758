package org.recsys4j.data;

import java.util.Map;

/**
 * One MovieLens dataset as two TFDS-style views: {@code ratings} (one row per rating, with
 * user_id and movie_title as strings, user_rating, timestamp and the user features where the
 * dataset has them) and {@code movies} (one row per movie: movie_id, movie_title, movie_genres).
 *
 * @param name the dataset's name, e.g. {@code ml-100k}
 * @param files the SHA-256 of every file read, by file name, for provenance
 */
public record MovieLensData(String name, Interactions ratings, Interactions movies, Map<String, String> files) {
}
