package org.recsys4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * A format's name and the versions this build reads, as Lucene's {@code CodecUtil} header: every
 * file recsys4j writes records both, and every reader checks them before anything else, so a file
 * of another kind, a newer one and a too-old one each get their own error.
 *
 * @param name the format's name, e.g. {@code recsys4j-bundle}
 * @param oldest the oldest version this build still reads
 * @param newest the version this build writes
 */
public record FormatHeader(String name, int oldest, int newest) {
    /** The JSON fields a header is written to. */
    public static final String FORMAT_FIELD = "format";
    public static final String VERSION_FIELD = "formatVersion";

    public FormatHeader {
        if (oldest < 1 || newest < oldest) {
            throw new IllegalArgumentException("versions must satisfy 1 <= oldest <= newest, got " + oldest
                    + " and " + newest);
        }
    }

    /** Writes {@code "format": name, "formatVersion": newest} into a JSON object. */
    public void writeTo(ObjectNode root) {
        root.put(FORMAT_FIELD, name);
        root.put(VERSION_FIELD, newest);
    }

    /** Checks the header of a JSON file and returns its version. */
    public int check(Path file, JsonNode root, FormatException.Factory errors) throws FormatException {
        JsonNode format = root.get(FORMAT_FIELD);
        if (format == null || !format.isTextual() || !name.equals(format.asText())) {
            throw errors.create(file, file + " is not a " + name + " file: its '" + FORMAT_FIELD + "' is "
                    + (format == null ? "missing" : Text.cut(format.toString())) + ", expected \"" + name + "\"");
        }
        JsonNode version = root.get(VERSION_FIELD);
        if (version == null || !version.isIntegralNumber() || !version.canConvertToInt()) {
            throw errors.create(file, file + ": '" + VERSION_FIELD + "' must be a whole number, got "
                    + (version == null ? "none" : Text.cut(version.toString())));
        }
        return checkVersion(file, version.asInt());
    }

    /** Checks a header recorded as text (ONNX metadata, say) and returns its version. */
    public int check(Path file, String format, String version, FormatException.Factory errors)
            throws FormatException {
        if (!name.equals(format)) {
            throw errors.create(file, file + " is not a " + name + " file: it records format "
                    + (format == null ? "none" : "'" + Text.cut(format) + "'"));
        }
        return checkVersion(file, version, errors);
    }

    /** Checks a version recorded as text and returns it. */
    public int checkVersion(Path file, String version, FormatException.Factory errors) throws FormatException {
        int v;
        try {
            v = Integer.parseInt(version == null ? "" : version.trim());
        } catch (NumberFormatException e) {
            throw errors.create(file, file + ": its format version must be a whole number, got "
                    + (version == null ? "none" : "'" + Text.cut(version) + "'"));
        }
        return checkVersion(file, v);
    }

    /** {@code version} itself if this build reads it; a too-new or too-old error otherwise. */
    public int checkVersion(Path file, int version) throws FormatException {
        if (version > newest) {
            throw new FormatTooNewException(file, this, version);
        }
        if (version < oldest) {
            throw new FormatTooOldException(file, this, version);
        }
        return version;
    }
}
