package org.recsys4j.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * A Keras-style progress bar:
 * {@code 10/10 [==============================] - 3s 301ms/step - loss: 33092.2 - ... - 26580 ex/s}.
 * On a terminal it redraws in place; otherwise (CI, pipes) it prints one line per epoch.
 */
public final class ProgressBar implements Progress {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final boolean live;
    private int steps;
    private long start;
    private int examples;

    /** A bar printed to {@code out}; {@code live} redraws it in place (a terminal), else one line an epoch. */
    public ProgressBar(PrintStream out, boolean live) {
        this.out = out;
        this.live = live;
    }

    /** A bar on standard error, live only when a terminal is attached. */
    public static ProgressBar toStderr() {
        return new ProgressBar(System.err, System.console() != null);
    }

    @Override
    public void epochStarted(int epoch, int epochs, int steps) {
        this.steps = steps;
        this.start = System.nanoTime();
        this.examples = 0;
        out.println("Epoch " + epoch + "/" + epochs);
    }

    @Override
    public void stepDone(int step, int batchExamples, Map<String, Double> logs) {
        examples += batchExamples;
        if (live) {
            out.print("\r" + line(step, logs));
            out.flush();
        }
    }

    @Override
    public void epochDone(EpochLog log) {
        String line = line(steps, log.logs());
        out.println(live ? "\r" + line : line);
        out.flush();
    }

    private String line(int step, Map<String, Double> logs) {
        double seconds = (System.nanoTime() - start) / 1e9;
        int filled = steps == 0 ? WIDTH : (int) ((long) WIDTH * step / steps);
        StringBuilder bar = new StringBuilder();
        for (int i = 0; i < WIDTH; i++) {
            bar.append(i < filled - 1 || (i == filled - 1 && step == steps) ? '=' : i == filled - 1 ? '>' : '.');
        }
        StringBuilder sb = new StringBuilder();
        int width = String.valueOf(steps).length();
        sb.append(String.format(Locale.ROOT, "%" + width + "d/%d [%s] - %.0fs %.0fms/step", step, steps, bar,
                seconds, step == 0 ? 0.0 : 1000 * seconds / step));
        for (var e : logs.entrySet()) {
            sb.append(" - ").append(e.getKey()).append(": ").append(format(e.getValue()));
        }
        if (seconds > 0) {
            sb.append(String.format(Locale.ROOT, " - %.0f examples/s", examples / seconds));
        }
        return sb.toString();
    }

    static String format(double v) {
        if (v == 0) {
            return "0.0000e+00";
        }
        double a = Math.abs(v);
        return a >= 1e-3 && a < 1e6 ? String.format(Locale.ROOT, "%.4f", v) : String.format(Locale.ROOT, "%.4e", v);
    }
}
