package org.recsys4j.examples.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.recsys4j.examples.tutorial.EpochReport;

/**
 * What a command prints: results on standard output, human-readable; notes (what it is doing) and
 * warnings on standard error, where they do not mix with results that a script reads.
 */
final class Output {
    private final PrintWriter out;
    private final PrintWriter err;

    Output(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    void line(String s) {
        out.println(s);
    }

    /** A note on standard error: what is happening, not a result. */
    void note(String s) {
        err.println(s);
    }

    /** A warning on standard error: the run goes on, but something is not as the user may think. */
    void warn(String s) {
        err.println("recsys4j: warning: " + s);
    }

    void metrics(String title, Map<String, Double> metrics) {
        out.println(title);
        metrics.forEach((k, v) -> out.printf(Locale.ROOT, "  %-48s %.4f%n", k, v));
    }

    void epochs(List<EpochReport> epochs) {
        for (EpochReport e : epochs) {
            out.printf(Locale.ROOT, "epoch %d: %.2f s, loss %.1f%n", e.epoch(), e.seconds(), e.logs().get("loss"));
        }
    }

    void recommendations(String user, String source, List<String> titles) {
        out.printf(Locale.ROOT, "Recommendations for user %s (%s): %s%n", user, source, titles);
    }
}
