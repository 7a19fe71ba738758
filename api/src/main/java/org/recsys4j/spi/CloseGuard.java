package org.recsys4j.spi;

/**
 * The open-or-closed state of something that holds native memory (a {@link Trainer}, an
 * {@link Inference}) and of the towers it hands out: after {@link #close()} every use is refused
 * with one clear message, instead of reading freed memory (a crash, or garbage, in native code).
 */
public final class CloseGuard {
    private final String what;
    private volatile boolean closed;

    /** @param what what is guarded, for the message, e.g. "this TensorFlow trainer" */
    public CloseGuard(String what) {
        this.what = what;
    }

    /** @throws IllegalStateException once {@link #close()} was called */
    public void check() {
        if (closed) {
            throw new IllegalStateException(what + " is closed: its native memory is freed, and its towers with it;"
                    + " make a new one");
        }
    }

    /** Marks it closed; true the first time only, so that a second close frees nothing twice. */
    public boolean close() {
        synchronized (this) {
            if (closed) {
                return false;
            }
            closed = true;
            return true;
        }
    }

    /** Whether {@link #close()} has run. */
    public boolean isClosed() {
        return closed;
    }
}
