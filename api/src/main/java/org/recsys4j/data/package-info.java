/**
 * The data layer: readers that turn files into columnar
 * {@link org.recsys4j.data.Interactions} (the MovieLens 100k and CSV-family presets, the download cache),
 * and the errors that name the file, line and field of bad input
 * ({@link org.recsys4j.data.MalformedDataException}).
 */
package org.recsys4j.data;
