package org.recsys4j.spark;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The Spark type of an id column. Vocabularies hold ids as strings; results give them back in the
 * type they were trained from, so they join with the user's tables without a cast.
 */
enum IdType {
    STRING(DataTypes.StringType), INT(DataTypes.IntegerType), BIGINT(DataTypes.LongType);

    private final DataType sparkType;

    IdType(DataType sparkType) {
        this.sparkType = sparkType;
    }

    DataType sparkType() {
        return sparkType;
    }

    /** A vocabulary token as a value of this type. */
    Object value(String token) {
        return switch (this) {
            case STRING -> token;
            case INT -> Integer.valueOf(token);
            case BIGINT -> Long.valueOf(token);
        };
    }

    static IdType of(DataType type) {
        for (IdType t : values()) {
            if (t.sparkType.equals(type)) {
                return t;
            }
        }
        throw new IllegalArgumentException("ids must be string, int or bigint, got " + type.catalogString());
    }

    static IdType named(String catalogString) {
        for (IdType t : values()) {
            if (t.sparkType.catalogString().equals(catalogString)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown id type '" + catalogString + "'");
    }
}
