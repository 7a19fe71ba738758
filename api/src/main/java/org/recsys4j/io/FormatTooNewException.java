package org.recsys4j.io;

import java.nio.file.Path;

/** A file written by a newer recsys4j, in a format version this build does not read yet. */
public final class FormatTooNewException extends FormatException {
    private static final long serialVersionUID = 1L;
    private final int version;

    FormatTooNewException(Path file, FormatHeader header, int version) {
        super(file, file + " was written by a newer recsys4j (" + header.name() + " format " + version
                + ", this build reads up to " + header.newest() + "); read it with that release or a later one");
        this.version = version;
    }

    /** The version the file records. */
    public int version() {
        return version;
    }
}
