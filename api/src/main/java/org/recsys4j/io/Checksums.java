package org.recsys4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256, the one checksum every format records for its data files: bundle weights, index data,
 * ONNX graphs. Written at save, compared at load, never optional.
 */
public final class Checksums {
    private Checksums() {
    }

    /** A fresh SHA-256 digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The digest as lower-case hex. */
    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The SHA-256 of a file, as lower-case hex. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
            }
        }
        return hex(md);
    }

    /** The SHA-256 of bytes, as lower-case hex. */
    public static String sha256(byte[] bytes) {
        MessageDigest md = sha256();
        md.update(bytes);
        return hex(md);
    }

    /**
     * Checks {@code actual} against what {@code recordedIn} records for {@code file}; a missing
     * record is an error too, since a file without one could be served damaged.
     */
    public static void verify(Path file, String recorded, String actual, String recordedIn,
            FormatException.Factory errors) throws FormatException {
        if (recorded == null || recorded.isEmpty()) {
            throw errors.create(file, recordedIn + " records no SHA-256 for " + file + ", so damage to it would go"
                    + " unnoticed; save it again with this recsys4j");
        }
        if (!recorded.equalsIgnoreCase(actual)) {
            throw errors.create(file, file + " is damaged: its SHA-256 is " + actual + " but " + recordedIn
                    + " records " + Text.cut(recorded));
        }
    }
}
