package org.recsys4j.bundle;

import java.nio.file.Path;
import org.recsys4j.io.FormatException;

/** A model bundle that is damaged, truncated or inconsistent; the message says what and where. */
public final class BundleFormatException extends FormatException {
    private static final long serialVersionUID = 1L;

    /** An error in {@code file}; the message says what and where. */
    public BundleFormatException(Path file, String message) {
        super(file, message);
    }

    /** An error in {@code file} found through {@code cause} (a parser's error, say). */
    public BundleFormatException(Path file, String message, Throwable cause) {
        super(file, message, cause);
    }
}
