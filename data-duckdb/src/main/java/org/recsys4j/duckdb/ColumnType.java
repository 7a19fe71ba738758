package org.recsys4j.duckdb;

import java.util.Locale;

/** The families of DuckDB column types that decide how a column is read. */
enum ColumnType {
    /** Fits a Java long: read with getLong, no string per row. */
    INTEGER,
    /** FLOAT, DOUBLE, DECIMAL and the integers too wide for a long. */
    REAL,
    TEXT,
    /** DATE and TIMESTAMP: a timestamp column reads them as seconds since 1970 ({@code epoch}). */
    TEMPORAL,
    BOOLEAN,
    /** Lists, structs, blobs and the rest: usable only through --sql. */
    OTHER;

    static ColumnType of(String duckdbType) {
        String t = duckdbType.toUpperCase(Locale.ROOT);
        if (t.equals("TINYINT") || t.equals("SMALLINT") || t.equals("INTEGER") || t.equals("BIGINT")
                || t.equals("UTINYINT") || t.equals("USMALLINT") || t.equals("UINTEGER")) {
            return INTEGER;
        }
        if (t.equals("FLOAT") || t.equals("DOUBLE") || t.startsWith("DECIMAL") || t.equals("UBIGINT")
                || t.equals("HUGEINT") || t.equals("UHUGEINT")) {
            return REAL;
        }
        if (t.equals("VARCHAR")) {
            return TEXT;
        }
        if (t.equals("DATE") || t.startsWith("TIMESTAMP")) {
            return TEMPORAL;
        }
        if (t.equals("BOOLEAN")) {
            return BOOLEAN;
        }
        return OTHER;
    }
}
