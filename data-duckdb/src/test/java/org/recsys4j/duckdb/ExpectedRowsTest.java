package org.recsys4j.duckdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.TableSpec;

/** The row counts told before a scan, and the columns sized by them, right or wrong. */
class ExpectedRowsTest {
    @TempDir
    Path dir;

    private long expected(Path file) throws Exception {
        try (Connection db = DuckDbTableReader.open()) {
            Sources.Unit unit = Sources.resolve(db, file.toString(), null, "--interactions").get(0);
            return ExpectedRows.of(db, unit, DuckDbTableReader.describe(db, unit).keySet());
        }
    }

    @Test
    void csvLinesLessTheHeaderParquetFromItsFooterJsonUnknown() throws Exception {
        Path header = Files.writeString(dir.resolve("a.csv"), "u,i\n1,2\n3,4\n5,6\n");
        assertEquals(3, expected(header));
        Path noHeader = Files.writeString(dir.resolve("b.csv"), "1,2\n3,4\n5,6"); // no line break at the end
        assertEquals(3, expected(noHeader));
        Path parquet = dir.resolve("a.parquet");
        try (Connection db = DuckDbTableReader.open(); Statement st = db.createStatement()) {
            st.execute("COPY (SELECT range AS u, range % 7 AS i FROM range(12345)) TO '" + parquet
                    + "' (FORMAT parquet)");
        }
        assertEquals(12345, expected(parquet));
        Path json = Files.writeString(dir.resolve("a.jsonl"), "{\"u\": 1, \"i\": 2}\n");
        assertEquals(ExpectedRows.UNKNOWN, expected(json));
    }

    @Test
    void linesCountedOnAnotherThreadCountTheSame() throws Exception {
        Path csv = numbered("t.csv", 5000, "");
        Path json = Files.writeString(dir.resolve("t.jsonl"), "{\"u\": 1, \"i\": 2}\n");
        try (Connection db = DuckDbTableReader.open()) {
            Sources.Unit unit = Sources.resolve(db, csv.toString(), null, "--interactions").get(0);
            java.util.concurrent.Future<Long> counting = ExpectedRows.countLater(unit);
            assertEquals(5000, ExpectedRows.of(db, unit, DuckDbTableReader.describe(db, unit).keySet(), counting));
            assertNull(ExpectedRows.countLater(Sources.resolve(db, json.toString(), null, "--interactions").get(0)));
        }
    }

    @Test
    void aWrongGuessStillGivesEveryRowOnce() throws Exception {
        // a quoted line break and a blank line: more line breaks than rows
        Path file = Files.writeString(dir.resolve("q.csv"), "u,i,note\n1,10,\"two\nlines\"\n2,11,x\n\n3,12,y\n");
        assertEquals(5, expected(file));
        Interactions t = new DuckDbTableReader().read(TableSpec.file(file.toString(), "u", "i")).interactions();
        assertArrayEquals(new String[] {"1", "2", "3"}, t.strings("u"));
        assertArrayEquals(new String[] {"10", "11", "12"}, t.strings("i"));

        // the same past the first small block: 6,000 rows of two lines each, 12,000 rows guessed
        Path many = numbered("q2.csv", 6000, ",\"a\nb\"");
        assertEquals(12_000, expected(many));
        assertItemsAreTheirRows(many, 6000);
    }

    /** A CSV file (u, i, note) whose row r has item r, user r % 977 and {@code note} after them. */
    private Path numbered(String name, int rows, String note) throws java.io.IOException {
        StringBuilder b = new StringBuilder(note.isEmpty() ? "u,i\n" : "u,i,note\n");
        for (int r = 0; r < rows; r++) {
            b.append(r % 977).append(',').append(r).append(note).append('\n');
        }
        return Files.writeString(dir.resolve(name), b);
    }

    /** Reads a {@link #numbered} file: every row once, in the file's order. */
    private static void assertItemsAreTheirRows(Path file, int rows) throws Exception {
        Interactions t = new DuckDbTableReader().read(TableSpec.file(file.toString(), "u", "i")).interactions();
        assertEquals(rows, t.size());
        String[] items = t.strings("i");
        for (int r = 0; r < rows; r++) {
            assertEquals(Integer.toString(r), items[r]);
        }
    }

    @Test
    void blocksHandOverAnExactlyFilledColumnAndCopyOtherwise() {
        IntBlocks exact = new IntBlocks();
        exact.expect(5000);
        for (int i = 0; i < 5000; i++) {
            exact.add(i);
        }
        int[] a = exact.toArray();
        assertEquals(5000, a.length);
        assertSame(a, exact.toArray(), "no copy when the guess was right");
        assertEquals(4999, a[4999]);

        for (int rows : new int[] {4000, 6000, 3 * Blocks.BLOCK + 17}) { // fewer, more, many blocks more
            IntBlocks b = new IntBlocks();
            b.expect(5000);
            for (int i = 0; i < rows; i++) {
                b.add(i);
            }
            int[] out = b.toArray();
            assertEquals(rows, out.length);
            for (int i = 0; i < rows; i += 997) {
                assertEquals(i, out[i]);
            }
            assertEquals(rows - 1, out[rows - 1]);
        }
    }

    @Test
    void aLargeCsvSizedOnceReadsAsBefore() throws Exception {
        Path file = numbered("big.csv", 300_000, "");
        assertEquals(300_000, expected(file));
        assertItemsAreTheirRows(file, 300_000);
    }
}
