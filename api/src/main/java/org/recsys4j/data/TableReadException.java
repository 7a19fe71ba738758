package org.recsys4j.data;

import java.io.IOException;

/**
 * A table that cannot be used as asked: the message names the source (a file, a glob or the
 * query), and the column and the row (1-based, in that file's data rows) where there is one.
 */
public final class TableReadException extends IOException {
    private static final long serialVersionUID = 1L;
    /** The row, where the problem has none. */
    public static final long NO_ROW = 0;

    private final String source;
    private final String column;
    private final long row;

    /** A problem with {@code source} at {@code column} (null: none) and {@code row} (or {@link #NO_ROW}). */
    public TableReadException(String source, String column, long row, String problem) {
        this(source, column, row, problem, null);
    }

    /** As the four-argument constructor, with the error that revealed the problem. */
    public TableReadException(String source, String column, long row, String problem, Throwable cause) {
        super(source + (row > 0 ? ", row " + row : "") + (column != null ? ", column '" + column + "'" : "") + ": "
                + problem, cause);
        this.source = source;
        this.column = column;
        this.row = row;
    }

    /** The file, glob or query that was read. */
    public String source() {
        return source;
    }

    /** The column, or null. */
    public String column() {
        return column;
    }

    /** The 1-based row, or {@link #NO_ROW}. */
    public long row() {
        return row;
    }
}
