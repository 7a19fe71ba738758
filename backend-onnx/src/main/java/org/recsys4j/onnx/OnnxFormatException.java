package org.recsys4j.onnx;

import java.nio.file.Path;
import org.recsys4j.io.FormatException;

/**
 * An ONNX file that is damaged, truncated, not ONNX at all, or not the kind of model asked for;
 * the message names the file and says what is wrong.
 */
public final class OnnxFormatException extends FormatException {
    private static final long serialVersionUID = 1L;

    /** @param file the file, or null for a model built in memory */
    public OnnxFormatException(Path file, String message) {
        super(file, message);
    }

    public OnnxFormatException(Path file, String message, Throwable cause) {
        super(file, message, cause);
    }
}
