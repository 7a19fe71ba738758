package org.recsys4j.examples.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.recsys4j.examples.tutorial.EpochReport;

/** Human-readable results on standard output. */
final class Output {
    private final PrintStream out;

    Output(PrintStream out) {
        this.out = out;
    }

    void line(String s) {
        out.println(s);
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
