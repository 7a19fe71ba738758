package org.recsys4j.examples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import org.recsys4j.split.SplitSpec;
import org.recsys4j.synth.SynthSpec;
import org.recsys4j.synth.SynthWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Write a synthetic interactions table (user_id,item_id,timestamp) drawn from a latent-topic"
                + " ground truth with Zipf-like item popularity and user activity, MovieLens 25M's shape by default,"
                + " and print the perfect model's ranking metrics beside popularity's.")
final class SynthCommand implements Callable<Integer> {
    @Option(names = "--users", description = "Users (default 162,541, as MovieLens 25M).")
    Integer users;

    @Option(names = "--items", description = "Items (default 59,047).")
    Integer items;

    @Option(names = "--interactions", description = "Interactions in all (default 25,000,095).")
    Long interactions;

    @Option(names = "--out", required = true, description = "The directory to write, new (or empty): it appears"
            + " whole when complete.")
    Path out;

    @Option(names = "--format", defaultValue = "csv", description = "csv (default) or parquet (the CSV files"
            + " written out through DuckDB's COPY: interactions.parquet, items.parquet).")
    String format;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of everything (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--split", defaultValue = "last:0.2", description = "The per-user split the perfect model is"
            + " scored under: last:N or last:F (default ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--sample-users", defaultValue = "20000", description = "Users the perfect model is scored on"
            + " (default ${DEFAULT-VALUE}).")
    int sampleUsers;

    @Option(names = "--report", description = "Also write the results as JSON to this file.")
    Path report;

    private final Output output;

    /** Each CSV file of the staging directory as Parquet beside it, through DuckDB's COPY; the CSV goes. */
    static void toParquet(Path staging) throws IOException {
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement st = db.createStatement()) {
            for (String name : new String[] {SynthWriter.INTERACTIONS, SynthWriter.ITEMS}) {
                Path csv = staging.resolve(name);
                Path parquet = staging.resolve(name.replace(".csv", ".parquet"));
                st.execute("COPY (SELECT * FROM read_csv(" + quote(csv) + ", header = true)) TO " + quote(parquet)
                        + " (FORMAT parquet)");
                Files.delete(csv);
            }
        } catch (SQLException e) {
            throw new IOException("writing Parquet through DuckDB failed: " + e.getMessage(), e);
        }
    }

    private static String quote(Path p) {
        return "'" + p.toAbsolutePath().toString().replace("'", "''") + "'";
    }

    @Inject
    SynthCommand(Output output) {
        this.output = output;
    }

    @Override
    public Integer call() throws Exception {
        if (!format.equals("csv") && !format.equals("parquet")) {
            throw new IllegalArgumentException("--format must be csv or parquet, got '" + format + "'");
        }
        SplitSpec splitSpec = SplitSpec.parse(split);
        SynthSpec base = SynthSpec.movieLens25mShape(seed);
        SynthSpec spec = base.withSize(users != null ? users : base.users(), items != null ? items : base.items(),
                interactions != null ? interactions : base.interactions());
        long total = spec.interactions();
        long started = System.nanoTime();
        long[] lastShown = {started};
        SynthWriter.Result r = SynthWriter.write(spec, out, splitSpec, sampleUsers, rows -> {
            long now = System.nanoTime();
            if (now - lastShown[0] > 2_000_000_000L || rows == total) {
                lastShown[0] = now;
                System.err.printf(Locale.ROOT, "synth: %,d / %,d interactions (%.0f%%), %,.0f rows/s%n", rows, total,
                        100.0 * rows / total, rows / ((now - started) / 1e9));
            }
        }, format.equals("parquet") ? SynthCommand::toParquet : SynthWriter.Conversion.NONE);
        output.line(String.format(Locale.ROOT, "Wrote %,d interactions (%s) of %,d users and %,d items to %s in %.1f s",
                r.rows(), format, spec.users(), spec.items(), r.dir().toAbsolutePath(), r.seconds()));
        output.line("Shape: " + r.shape());
        output.metrics("Perfect model (the generating probabilities), " + splitSpec + ", " + r.sampledUsers()
                + " users:", r.perfect());
        output.metrics("Most-popular baseline, same users:", r.popularity());
        if (report != null) {
            new Report().put("command", "synth").put("spec", spec).put("out", r.dir().toAbsolutePath().toString())
                    .put("rows", r.rows()).put("seconds", r.seconds()).put("shape", r.shape())
                    .put("split", splitSpec.toString()).put("sampled_users", r.sampledUsers())
                    .put("perfect", r.perfect()).put("popularity", r.popularity()).write(report);
        }
        return 0;
    }
}
