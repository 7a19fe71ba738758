package org.recsys4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.testing.TestData;

/** Short or empty MovieLens data is reported as it is: real sizes, a warning, or an error before training. */
class ShortDataTest {
    @TempDir
    Path tmp;

    /** MovieLens 100k with only the first {@code ratings} lines of u.data. */
    private Path truncated(int ratings) throws Exception {
        Path real = TestData.ml100kDir();
        Path dir = tmp.resolve("ml-" + ratings);
        if (Files.isDirectory(dir)) {
            return dir;
        }
        Files.createDirectories(dir);
        Files.copy(real.resolve("u.item"), dir.resolve("u.item"));
        Files.copy(real.resolve("u.user"), dir.resolve("u.user"));
        List<String> lines = Files.readAllLines(real.resolve("u.data"));
        Files.write(dir.resolve("u.data"), lines.subList(0, ratings));
        return dir;
    }

    @Test
    void halfTheRatingsGiveRealSizesAndAWarning() throws Exception {
        Path models = tmp.resolve("models");
        CliRun r = CliRun.of("retrieval", "--data-dir", truncated(50_000).toString(), "--epochs", "1",
                "--output-dir", models.toString()).ok();
        assertTrue(r.out().contains("Test set (10000 ratings)"), r.out());
        assertTrue(r.err().contains("recsys4j: warning: the test set has 10,000 ratings, fewer than the tutorial's"
                + " 20,000"), r.err());
    }

    @Test
    void anEmptyRatingsFileIsAnErrorAndNoBundleIsWritten() throws Exception {
        Path models = tmp.resolve("models");
        CliRun.of("retrieval", "--data-dir", truncated(0).toString(), "--output-dir", models.toString())
                .fails(ExitCode.DATA_ERROR, "u.data:0: field '(file)': no ratings");
        assertFalse(Files.exists(models), "nothing written");
        CliRun.of("quickstart", "--data-dir", truncated(0).toString(), "--output-dir", models.toString())
                .fails(ExitCode.DATA_ERROR, "u.data:0: field '(file)': no ratings");
        assertFalse(Files.exists(models), "nothing written");
    }

    @Test
    void oneRatingLeavesNoTestSetAndThatIsAnErrorBeforeTraining() throws Exception {
        Path models = tmp.resolve("models");
        CliRun r = CliRun.of("retrieval", "--data-dir", truncated(1).toString(), "--output-dir", models.toString())
                .fails(ExitCode.DATA_ERROR, "ml-100k ratings: the test split of random:0.8 is empty (1 training and 0"
                        + " test rows of 1)");
        assertFalse(r.out().contains("Epoch"), "nothing trained: " + r.out());
        assertFalse(Files.exists(models), "nothing written");
    }
}
