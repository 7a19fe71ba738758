package org.recsys4j.spark;

import java.util.Arrays;
import java.util.Set;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Schema checks with Spark ML's wording ({@code SchemaUtils.checkColumnType}: "Column x must be of
 * type ... but was actually ..."), so a wrong input fails before any job runs, naming the column
 * and the param that points at it.
 */
final class Columns {
    /** Id columns: what a vocabulary can be built from without losing information. */
    static final Set<DataType> ID_TYPES = Set.of(DataTypes.StringType, DataTypes.IntegerType, DataTypes.LongType);
    static final Set<DataType> NUMERIC_TYPES = Set.of(DataTypes.IntegerType, DataTypes.LongType,
            DataTypes.FloatType, DataTypes.DoubleType, DataTypes.ShortType, DataTypes.ByteType);
    /** Times: numbers, or timestamps (read as seconds since the epoch). */
    static final Set<DataType> TIME_TYPES = Set.of(DataTypes.IntegerType, DataTypes.LongType, DataTypes.FloatType,
            DataTypes.DoubleType, DataTypes.TimestampType);

    private Columns() {
    }

    /** The field {@code name} of {@code schema}, which {@code param} names; it must have one of {@code types}. */
    static StructField require(StructType schema, String param, String name, Set<DataType> types) {
        StructField field = find(schema, param, name);
        if (!types.contains(field.dataType())) {
            throw new IllegalArgumentException("Column " + name + " (" + param + ") must be of type "
                    + describe(types) + " but was actually of type " + field.dataType().catalogString() + ".");
        }
        return field;
    }

    static StructField find(StructType schema, String param, String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(param + " is not set; set it to one of the columns "
                    + Arrays.toString(schema.fieldNames()));
        }
        for (StructField f : schema.fields()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("Column " + name + " (" + param + ") does not exist. Available columns: "
                + String.join(", ", schema.fieldNames()) + ".");
    }

    static void requireAbsent(StructType schema, String param, String name) {
        if (Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException("Output column " + name + " (" + param + ") already exists.");
        }
    }

    private static String describe(Set<DataType> types) {
        return types.stream().map(DataType::catalogString).sorted().reduce((a, b) -> a + " or " + b).orElse("?");
    }
}
