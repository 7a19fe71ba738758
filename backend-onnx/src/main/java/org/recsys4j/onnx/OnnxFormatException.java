package org.recsys4j.onnx;

import java.io.IOException;

/**
 * An ONNX file that is damaged, truncated, not ONNX at all, or not the kind of model asked for;
 * the message names the file and says what is wrong.
 */
public final class OnnxFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public OnnxFormatException(String message) {
        super(message);
    }

    public OnnxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
