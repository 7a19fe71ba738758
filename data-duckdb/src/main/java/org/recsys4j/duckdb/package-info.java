/**
 * The general table reader: any interactions table (CSV/TSV, Parquet, JSON lines, a glob, or SQL)
 * read through DuckDB's embedded JDBC driver into dictionary-encoded columns, with errors that name
 * the file, the column and the row.
 */
package org.recsys4j.duckdb;
