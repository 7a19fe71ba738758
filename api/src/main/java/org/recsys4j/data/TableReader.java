package org.recsys4j.data;

import java.io.IOException;

/**
 * Reads a table named by a {@link TableSpec} into a {@link Dataset}. The DuckDB module reads files
 * and SQL; other modules (Spark) read their own sources into the same form.
 */
public interface TableReader {
    /**
     * @throws TableReadException when the table is missing, unreadable, empty, or a column is
     *     missing, of the wrong type or holds nulls where ids must be; the message names the
     *     source, the column and the row where there is one
     */
    Dataset read(TableSpec spec) throws IOException;
}
