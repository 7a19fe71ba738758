package org.recsys4j.data;

/**
 * Where a reader is in its input (a file and line, a table and row), so that {@link MovieLensRules}
 * can name it in the errors it raises.
 */
public interface RecordLocation {
    /** An error about {@code field} of the current record. */
    MalformedDataException error(String field, String problem);
}
