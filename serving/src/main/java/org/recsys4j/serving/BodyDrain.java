package org.recsys4j.serving;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads and drops the rest of a request body over {@code --max-body-bytes} (found so after one
 * byte past the limit when chunked, or declared so), before the 413 is written. Left unread, the
 * body would still be arriving when Jetty closes the connection, and closing a socket with unread
 * data sends a reset: the client, busy sending, then sees "connection reset" or "broken pipe"
 * instead of the 413 and its JSON.
 * Bounded, so that a client cannot keep a thread reading for ever: at most {@value #FACTOR} times
 * the limit more and {@value #SECONDS} seconds; past either, the connection is closed as before.
 * Only a refused request comes here; a body within the limit is read once, as before.
 */
final class BodyDrain {
    static final int FACTOR = 16;
    static final int SECONDS = 5;

    private BodyDrain() {
    }

    /** Drops up to {@value #FACTOR} x {@code max} more bytes of {@code in}, or until its end. */
    static void drain(InputStream in, long max) {
        long left = FACTOR * max;
        long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
        byte[] sink = new byte[(int) Math.min(64 * 1024, left)];
        try {
            while (left > 0 && System.nanoTime() - deadline < 0) {
                int n = in.read(sink, 0, (int) Math.min(sink.length, left));
                if (n < 0) {
                    return;
                }
                left -= n;
            }
        } catch (IOException e) {
            // the client went away or broke the chunking: nothing more to drain, the 413 is still tried
        }
    }
}
