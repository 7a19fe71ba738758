package org.recsys4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FormatHeaderTest {
    private final FormatHeader header = new FormatHeader("recsys4j-test", 2, 4);
    private final Path file = Path.of("dir", "model.json");

    private ObjectNode json(String format, Object version) {
        ObjectNode root = JsonFiles.MAPPER.createObjectNode();
        root.put("format", format);
        root.set("formatVersion", JsonFiles.MAPPER.valueToTree(version));
        return root;
    }

    @Test
    void eachWayAHeaderCanBeWrongHasItsOwnMessage() throws FormatException {
        assertEquals(3, header.check(file, json("recsys4j-test", 3), FormatException::new));
        String other = assertThrows(FormatException.class,
                () -> header.check(file, json("recsys4j-other", 3), FormatException::new)).getMessage();
        assertEquals(file + " is not a recsys4j-test file: its 'format' is \"recsys4j-other\", expected"
                + " \"recsys4j-test\"", other);
        String text = assertThrows(FormatException.class,
                () -> header.check(file, json("recsys4j-test", "3"), FormatException::new)).getMessage();
        assertTrue(text.contains("'formatVersion' must be a whole number, got \"3\""), text);
        FormatTooNewException newer = assertThrows(FormatTooNewException.class,
                () -> header.check(file, json("recsys4j-test", 5), FormatException::new));
        assertEquals(file + " was written by a newer recsys4j (recsys4j-test format 5, this build reads up to 4);"
                + " read it with that release or a later one", newer.getMessage());
        assertEquals(file, newer.file());
        FormatTooOldException older = assertThrows(FormatTooOldException.class,
                () -> header.check(file, json("recsys4j-test", 1), FormatException::new));
        assertTrue(older.getMessage().startsWith(file + " is too old for this recsys4j (recsys4j-test format 1, this"
                + " build reads 2 to 4)"), older.getMessage());
        String long1 = assertThrows(FormatException.class,
                () -> header.check(file, json("x".repeat(100_000), 3), FormatException::new)).getMessage();
        assertTrue(long1.length() < 500, "a long value is cut: " + long1.length());
    }
}
