package org.recsys4j.bundle;

import java.io.IOException;

/** A model bundle that is damaged, truncated or inconsistent; the message says what and where. */
public final class BundleFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public BundleFormatException(String message) {
        super(message);
    }

    public BundleFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
