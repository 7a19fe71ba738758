package org.recsys4j.io;

import java.nio.file.Path;

/** A file in a format version so old that this build no longer reads it. */
public final class FormatTooOldException extends FormatException {
    private static final long serialVersionUID = 1L;
    private final int version;

    FormatTooOldException(Path file, FormatHeader header, int version) {
        super(file, file + " is too old for this recsys4j (" + header.name() + " format " + version
                + ", this build reads " + header.oldest() + " to " + header.newest()
                + "); read it with an older release and save it again, or re-create it");
        this.version = version;
    }

    /** The version the file records. */
    public int version() {
        return version;
    }
}
