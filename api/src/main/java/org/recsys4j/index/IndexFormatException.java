package org.recsys4j.index;

import java.nio.file.Path;
import org.recsys4j.io.FormatException;

/** A saved index that is damaged, truncated or inconsistent; the message says what and where. */
public final class IndexFormatException extends FormatException {
    private static final long serialVersionUID = 1L;

    public IndexFormatException(Path file, String message) {
        super(file, message);
    }

    public IndexFormatException(Path file, String message, Throwable cause) {
        super(file, message, cause);
    }
}
