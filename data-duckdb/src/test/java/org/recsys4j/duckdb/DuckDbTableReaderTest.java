package org.recsys4j.duckdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.data.Dataset;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.TableReadException;
import org.recsys4j.data.TableSpec;

/** Every format the reader takes, on the same small generated table, and every fault it must name. */
class DuckDbTableReaderTest {
    /** user, item, ts, weight, device, price: six interactions. */
    private static final String[][] ROWS = {
        {"u1", "10", "1000", "1.0", "phone", "2.5"},
        {"u2", "11", "1001", "0.5", "web", "3.5"},
        {"u1", "12", "1002", "1.0", "web", "1.0"},
        {"u3", "10", "1003", "2.0", "phone", "2.5"},
        {"u2", "12", "1004", "1.0", "phone", "0.5"},
        {"u1", "11", "1005", "1.0", "tv", "4.0"},
    };
    private static final String HEADER = "user,item,ts,weight,device,price";

    @TempDir
    Path dir;

    private final DuckDbTableReader reader = new DuckDbTableReader();

    private static TableSpec spec(String path) {
        return TableSpec.file(path, "user", "item").withTimestamp("ts").withWeight("weight")
                .withQueryFeatures(List.of("device", "price"));
    }

    private Path csv(String name, String separator, boolean header, String[][] rows) throws IOException {
        StringBuilder b = new StringBuilder();
        if (header) {
            b.append(HEADER.replace(",", separator)).append('\n');
        }
        for (String[] r : rows) {
            b.append(String.join(separator, r)).append('\n');
        }
        return Files.writeString(dir.resolve(name), b.toString());
    }

    private Path jsonLines(String name) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String[] r : ROWS) {
            b.append(String.format("{\"user\": \"%s\", \"item\": %s, \"ts\": %s, \"weight\": %s, \"device\": \"%s\","
                    + " \"price\": %s}%n", (Object[]) r));
        }
        return Files.writeString(dir.resolve(name), b.toString());
    }

    private Path parquet(String name, Path fromCsv) throws Exception {
        Path out = dir.resolve(name);
        try (Connection db = DuckDbTableReader.open(); Statement st = db.createStatement()) {
            st.execute("COPY (SELECT * FROM read_csv('" + fromCsv + "')) TO '" + out + "' (FORMAT parquet)");
        }
        return out;
    }

    private static void assertTable(Dataset d) {
        Interactions t = d.interactions();
        assertEquals(6, t.size());
        assertArrayEquals(new String[] {"u1", "u2", "u1", "u3", "u2", "u1"}, t.strings("user"));
        assertArrayEquals(new String[] {"10", "11", "12", "10", "12", "11"}, t.strings("item"));
        assertEquals(3, t.categorical("user").dictionary().length, "one dictionary entry per distinct user");
        assertArrayEquals(new double[] {1000, 1001, 1002, 1003, 1004, 1005}, t.numbers("ts"));
        assertArrayEquals(new double[] {1, 0.5, 1, 2, 1, 1}, t.numbers("weight"));
        assertArrayEquals(new String[] {"phone", "web", "web", "phone", "phone", "tv"}, t.strings("device"));
        assertArrayEquals(new double[] {2.5, 3.5, 1, 2.5, 0.5, 4}, t.numbers("price"), "a real column is numeric");
        assertArrayEquals(new String[] {"10", "11", "12"}, d.items().ids(), "the catalog: candidates seen, sorted");
        assertEquals(6, d.load().rows());
    }

    @Test
    void readsCsvWithAHeader() throws Exception {
        assertTable(reader.read(spec(csv("a.csv", ",", true, ROWS).toString())));
    }

    @Test
    void readsTsv() throws Exception {
        assertTable(reader.read(spec(csv("a.tsv", "\t", true, ROWS).toString())));
    }

    @Test
    void readsCsvWithoutAHeaderByNumberedColumns() throws Exception {
        Path file = csv("a.data", "\t", false, ROWS);
        Dataset d = reader.read(TableSpec.file(file.toString(), "column0", "column1").withTimestamp("column2"));
        assertArrayEquals(new String[] {"u1", "u2", "u1", "u3", "u2", "u1"}, d.interactions().strings("column0"));
        assertArrayEquals(new double[] {1000, 1001, 1002, 1003, 1004, 1005}, d.interactions().numbers("column2"));
    }

    @Test
    void readsParquet() throws Exception {
        assertTable(reader.read(spec(parquet("a.parquet", csv("a.csv", ",", true, ROWS)).toString())));
    }

    @Test
    void readsJsonLines() throws Exception {
        assertTable(reader.read(spec(jsonLines("a.jsonl").toString())));
    }

    @Test
    void readsAGlobInFileNameOrder() throws Exception {
        csv("part-2.csv", ",", true, java.util.Arrays.copyOfRange(ROWS, 3, 6));
        csv("part-1.csv", ",", true, java.util.Arrays.copyOfRange(ROWS, 0, 3));
        Dataset d = reader.read(spec(dir.resolve("part-*.csv").toString()));
        assertTable(d);
        assertEquals(2, d.load().files().size());
    }

    @Test
    void readsSqlAndAnItemsTableWithLabels() throws Exception {
        Path interactions = csv("a.csv", ",", true, ROWS);
        Path items = Files.writeString(dir.resolve("items.csv"), "id,title,genre\n10,Ten,drama\n11,Eleven,comedy\n"
                + "12,Twelve,drama\n13,Thirteen,horror\n");
        TableSpec spec = TableSpec.query("SELECT user, item FROM read_csv('" + interactions + "') WHERE weight >= 1",
                "user", "item").withItems(items.toString(), "id", "title").withCandidateFeatures(List.of("genre"));
        Dataset d = reader.read(spec);
        assertEquals(5, d.interactions().size());
        assertArrayEquals(new String[] {"10", "11", "12", "13"}, d.items().ids(), "the items table, in its order");
        assertArrayEquals(new String[] {"Ten", "Eleven", "Twelve", "Thirteen"}, d.items().labels());
        assertArrayEquals(new String[] {"drama", "comedy", "drama", "horror"}, d.items().features().get("genre"));
        assertTrue(d.warnings().isEmpty(), d.warnings().toString());
    }

    @Test
    void candidateFeaturesWithoutAnItemsTableComeFromTheInteractions() throws Exception {
        Path file = csv("a.csv", ",", true, ROWS);
        Dataset d = reader.read(TableSpec.file(file.toString(), "user", "item")
                .withCandidateFeatures(List.of("device")));
        // each candidate's first row: 10 -> phone, 11 -> web, 12 -> web
        assertArrayEquals(new String[] {"phone", "web", "web"}, d.items().features().get("device"));
        assertTrue(!d.interactions().has("device"), "a candidate feature is kept per candidate, not per row");
    }

    @Test
    void integerAndTextIdsOfOneGlobAreTheSameIds() throws Exception {
        Files.writeString(dir.resolve("p1.csv"), "user,item\n1,7\n2,8\n");
        Files.writeString(dir.resolve("p2.csv"), "user,item\nx,7\n1,8\n");
        Dataset d = reader.read(TableSpec.file(dir.resolve("p*.csv").toString(), "user", "item"));
        assertArrayEquals(new String[] {"1", "2", "x", "1"}, d.interactions().strings("user"));
        assertEquals(3, d.interactions().categorical("user").dictionary().length);
    }

    // --- faults: each names the file, the column and the row where there is one ---

    private TableReadException fails(TableSpec spec) {
        return assertThrows(TableReadException.class, () -> reader.read(spec));
    }

    @Test
    void aMisspeltColumnIsNamedWithTheClosestOne() throws Exception {
        Path file = csv("a.csv", ",", true, ROWS);
        TableReadException e = fails(TableSpec.file(file.toString(), "usr", "item"));
        assertEquals("usr", e.column());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'user'?"), e.getMessage());
        assertTrue(e.getMessage().contains("--query-id"), e.getMessage());
    }

    @Test
    void aMissingColumnListsTheColumnsOfAHeaderlessFile() throws Exception {
        Path file = csv("a.data", "\t", false, ROWS);
        TableReadException e = fails(TableSpec.file(file.toString(), "user_id", "column1"));
        assertTrue(e.getMessage().contains("[column0, column1"), e.getMessage());
        assertTrue(e.getMessage().contains("no header"), e.getMessage());
    }

    @Test
    void textWhereNumbersBelongNamesTheRow() throws Exception {
        String[][] rows = ROWS.clone();
        rows[3] = new String[] {"u3", "10", "yesterday", "2.0", "phone", "2.5"};
        Path file = csv("a.csv", ",", true, rows);
        TableReadException e = fails(spec(file.toString()));
        assertEquals("ts", e.column());
        assertEquals(4, e.row());
        assertTrue(e.getMessage().contains("'yesterday' is not a number"), e.getMessage());
        assertTrue(e.getMessage().contains("--timestamp"), e.getMessage());
    }

    @Test
    void aNullIdNamesTheRowInEveryFormat() throws Exception {
        String[][] rows = ROWS.clone();
        rows[4] = new String[] {"", "12", "1004", "1.0", "phone", "0.5"};
        Path file = csv("a.csv", ",", true, rows);
        for (Path p : List.of(file, parquet("a.parquet", file))) {
            TableReadException e = fails(spec(p.toString()));
            assertEquals("user", e.column());
            assertEquals(5, e.row(), e.getMessage());
            assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("is null (--query-id)"), e.getMessage());
        }
        Files.writeString(dir.resolve("b.jsonl"), "{\"user\": \"a\", \"item\": 1}\n{\"user\": null, \"item\": 2}\n");
        TableReadException e = fails(TableSpec.file(dir.resolve("b.jsonl").toString(), "user", "item"));
        assertEquals(2, e.row());
    }

    /**
     * A CSV file of several of the reader's 4 MB buffers, which DuckDB's workers parse side by side:
     * rows keep the file's order, and a fault deep in the file names its own row.
     */
    @Test
    void aCsvFileOfManyBuffersKeepsItsOrderAndRowNumbers() throws Exception {
        int n = 700_000; // about 14 MB
        int bad = 612_345; // 1-based row of the null id, in the third or fourth buffer
        StringBuilder b = new StringBuilder("user,item,ts\n");
        for (int i = 1; i <= n; i++) {
            b.append(i == bad ? "" : Integer.toString(i % 1000)).append(',').append(i).append(',').append(i)
                    .append('\n');
        }
        Path faulty = Files.writeString(dir.resolve("big.csv"), b);
        TableReadException e = fails(TableSpec.file(faulty.toString(), "user", "item").withTimestamp("ts"));
        assertEquals("user", e.column());
        assertEquals(bad, e.row(), e.getMessage());

        Path good = Files.writeString(dir.resolve("big2.csv"), b.toString().replace("\n," + bad + ",", "\n7," + bad
                + ","));
        Interactions t = reader.read(TableSpec.file(good.toString(), "user", "item").withTimestamp("ts"))
                .interactions();
        assertEquals(n, t.size());
        double[] ts = t.numbers("ts");
        String[] items = t.strings("item");
        for (int row = 0; row < n; row++) {
            assertEquals(row + 1, ts[row]);
            if (row % 99_991 == 0 || row == n - 1) {
                assertEquals(Integer.toString(row + 1), items[row]);
            }
        }
    }

    @Test
    void anEmptyTableIsAnError() throws Exception {
        Path file = Files.writeString(dir.resolve("empty.csv"), HEADER + "\n");
        TableReadException e = fails(spec(file.toString()));
        assertTrue(e.getMessage().contains("no rows"), e.getMessage());
        Path zero = Files.writeString(dir.resolve("zero.csv"), "");
        TableReadException z = fails(spec(zero.toString()));
        assertTrue(z.getMessage().startsWith(zero.toString()), z.getMessage());
    }

    @Test
    void missingPathsDirectoriesAndUnmatchedGlobsAreNamed() throws Exception {
        TableReadException missing = fails(spec(dir.resolve("nope.csv").toString()));
        assertTrue(missing.getMessage().contains("nope.csv: does not exist (--interactions)"), missing.getMessage());
        TableReadException directory = fails(spec(dir.toString()));
        assertTrue(directory.getMessage().contains("is a directory"), directory.getMessage());
        TableReadException glob = fails(spec(dir.resolve("*.parquet").toString()));
        assertTrue(glob.getMessage().contains("no file matches"), glob.getMessage());
        Path broken = Files.createSymbolicLink(dir.resolve("link.csv"), dir.resolve("gone.csv"));
        assertTrue(fails(spec(broken.toString())).getMessage().contains("broken symbolic link"));
    }

    @Test
    void aFileThatIsNotATableSaysSo() throws Exception {
        Path bad = Files.write(dir.resolve("bad.parquet"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        TableReadException e = fails(spec(bad.toString()));
        assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
        assertTrue(!e.getMessage().contains("pending query result"), e.getMessage());
    }

    @Test
    void badSqlIsReported() {
        TableReadException e = fails(TableSpec.query("SELEC nothing", "a", "b"));
        assertTrue(e.getMessage().startsWith("--sql query"), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("syntax"), e.getMessage());
    }

    @Test
    void itemsTableFaultsAreNamed() throws Exception {
        Path interactions = csv("a.csv", ",", true, ROWS);
        Path items = Files.writeString(dir.resolve("items.csv"), "id,title\n10,Ten\n,Nothing\n10,Again\n");
        TableReadException e = fails(TableSpec.file(interactions.toString(), "user", "item")
                .withItems(items.toString(), "id", "title"));
        assertEquals(2, e.row());
        assertEquals("id", e.column());
        TableReadException label = fails(TableSpec.file(interactions.toString(), "user", "item")
                .withItems(items.toString(), "id", "name"));
        assertTrue(label.getMessage().contains("--item-label"), label.getMessage());
    }

    @Test
    void duplicateItemsAndUnknownCandidatesAreWarnings() throws Exception {
        Path interactions = csv("a.csv", ",", true, ROWS);
        Path items = Files.writeString(dir.resolve("items.csv"), "id,title\n10,Ten\n11,Eleven\n10,Again\n");
        Dataset d = reader.read(TableSpec.file(interactions.toString(), "user", "item")
                .withItems(items.toString(), "id", "title"));
        assertEquals(2, d.warnings().size(), d.warnings().toString());
        assertTrue(d.warnings().get(0).contains("1 item ids appear more than once"), d.warnings().toString());
        assertTrue(d.warnings().get(1).contains("1 candidate ids"), d.warnings().toString());
        assertNull(null);
    }
}
