package org.recsys4j.serving;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: one line per request through SLF4J ({@code org.recsys4j.serving.access} at
 * INFO): client, {@code "method path"}, status, milliseconds. A request only queues its entry; one
 * background thread formats and logs the queued entries every {@value #PERIOD_MS} ms, so no request
 * waits for the log's lock or its write to standard error (the SLF4J simple logger writes and
 * flushes every line under one lock: on 2 cores at 15,000 requests/s that wait was most of the
 * p99). Nothing is dropped: when the queue is full the request logs its own line, and
 * {@link #close} logs what is left before it returns. The time a backend stamps on a line is when
 * the line was written, up to {@value #PERIOD_MS} ms after the answer.
 */
final class AccessLog implements AutoCloseable {
    static final Logger ACCESS = LoggerFactory.getLogger("org.recsys4j.serving.access");
    static final long PERIOD_MS = 10;
    private static final int CAPACITY = 1 << 16;

    private record Entry(String client, String method, String path, int status, long nanos) {
    }

    private final ArrayBlockingQueue<Entry> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final Thread writer = new Thread(this::run, "recsys4j-access-log");
    private volatile boolean closed;

    AccessLog() {
        writer.setDaemon(true); // close() drains the queue; a daemon never holds the JVM up
        writer.start();
    }

    /** Whether lines are logged at all (the logger's level is INFO or finer). */
    boolean enabled() {
        return ACCESS.isInfoEnabled();
    }

    /** Queues one request's line; logs it here and now if the queue is full or the log closed. */
    void log(String client, String method, String path, int status, long nanos) {
        Entry e = new Entry(client, method, path, status, nanos);
        if (closed || !queue.offer(e)) {
            write(e);
        }
    }

    private void run() {
        List<Entry> batch = new ArrayList<>();
        while (!closed) {
            try {
                TimeUnit.MILLISECONDS.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                break; // close() wakes us to drain the rest
            }
            drain(batch);
        }
    }

    private void drain(List<Entry> batch) {
        while (queue.drainTo(batch, 4096) > 0) {
            for (Entry e : batch) {
                write(e);
            }
            batch.clear();
        }
    }

    private static void write(Entry e) {
        ACCESS.info(line(e.client, e.method, e.path, e.status, e.nanos));
    }

    /** {@code 127.0.0.1 "POST /v1/models/retrieval:recommend" 200 0.153ms}. */
    static String line(String client, String method, String path, int status, long nanos) {
        long micros = (nanos + 500) / 1000;
        long fraction = micros % 1000;
        StringBuilder b = new StringBuilder(96).append(client).append(" \"").append(method).append(' ')
                .append(Strings.cut(path)).append("\" ").append(status).append(' ').append(micros / 1000)
                .append('.');
        if (fraction < 100) {
            b.append(fraction < 10 ? "00" : "0");
        }
        return b.append(fraction).append("ms").toString();
    }

    /** Stops the thread and logs every line still queued, in order, before it returns. */
    @Override
    public void close() {
        closed = true;
        writer.interrupt();
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drain(new ArrayList<>());
    }
}
