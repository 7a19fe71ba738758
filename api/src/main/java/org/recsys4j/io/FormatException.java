package org.recsys4j.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file recsys4j wrote (or should have written) that cannot be read: damaged, truncated, of
 * another format or version, or not a regular file. The message says what is wrong; {@link #file()}
 * names the file. Every format's errors extend it ({@code BundleFormatException},
 * {@code IndexFormatException}, {@code OnnxFormatException}), so a caller can catch one type.
 */
public class FormatException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    /** An error in {@code file}; the message says what is wrong. */
    public FormatException(Path file, String message) {
        this(file, message, null);
    }

    /** An error in {@code file} found through {@code cause} (a parser's or the file system's error). */
    public FormatException(Path file, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    /** The file at fault; null only for a model checked in memory, before it was written. */
    public Path file() {
        return file;
    }

    /** Creates the exception type of one format, so shared checks throw that format's type. */
    @FunctionalInterface
    public interface Factory {
        /** The format's exception for {@code file}, with {@code message} and {@code cause} (may be null). */
        FormatException create(Path file, String message, Throwable cause);

        /** The format's exception for {@code file}, with no cause. */
        default FormatException create(Path file, String message) {
            return create(file, message, null);
        }
    }
}
