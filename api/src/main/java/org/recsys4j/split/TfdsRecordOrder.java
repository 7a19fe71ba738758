package org.recsys4j.split;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The order in which TensorFlow Datasets stores a split's records, for records keyed by their row
 * number, as its MovieLens builder keys every ratings file: TFDS sorts records by the MD5 of the
 * split name (the salt) followed by the key's decimal text, read as a 128-bit unsigned number
 * ({@code tfds.core.hashing.Hasher}). On MovieLens 100k's {@code u.data} the first two rows in
 * this order are user 138 rating movie 357 and user 92 rating movie 709, the two records the TFRS
 * tutorials print from {@code movie_lens/100k-ratings}.
 */
public final class TfdsRecordOrder {
    private TfdsRecordOrder() {
    }

    /** Rows 0..n-1 in the order TFDS stores them under {@code splitName} (e.g. {@code "train"}). */
    public static int[] of(int n, String splitName) {
        MessageDigest salted = md5();
        salted.update(splitName.getBytes(StandardCharsets.UTF_8));
        byte[][] hashes = new byte[n][];
        Integer[] rows = new Integer[n];
        for (int i = 0; i < n; i++) {
            MessageDigest md = clone(salted);
            hashes[i] = md.digest(Integer.toString(i).getBytes(StandardCharsets.UTF_8));
            rows[i] = i;
        }
        Arrays.sort(rows, Comparator.comparing((Integer r) -> hashes[r], Arrays::compareUnsigned));
        return Arrays.stream(rows).mapToInt(Integer::intValue).toArray();
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no MD5, which every Java platform must provide", e);
        }
    }

    private static MessageDigest clone(MessageDigest md) {
        try {
            return (MessageDigest) md.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JVM's MD5 cannot be cloned", e);
        }
    }
}
