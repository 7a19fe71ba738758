package org.recsys4j.data;

import java.io.IOException;
import java.nio.file.Path;

/** A data file that does not parse; the message names the file, the line and the field. */
public final class MalformedDataException extends IOException {
    private static final long serialVersionUID = 1L;

    private final Path file;
    private final long line;
    private final String field;

    public MalformedDataException(Path file, long line, String field, String problem) {
        super(file + ":" + line + ": field '" + field + "': " + problem);
        this.file = file;
        this.line = line;
        this.field = field;
    }

    public Path file() {
        return file;
    }

    public long line() {
        return line;
    }

    public String field() {
        return field;
    }
}
