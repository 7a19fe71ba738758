package org.recsys4j.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request body over {@code --max-body-bytes}, chunked (no Content-Length, so its size is known
 * only by reading it) or declared: the client sends it whole and then reads a 413 with the JSON
 * error, not a reset connection, on the paths {@link DirectPosts} answers and on one Javalin
 * answers. Over a raw socket on a free loopback port, writing the body as a network client does
 * (the part past the limit still on its way when the server decides), which the JDK's client
 * neither does on the loopback nor shows.
 */
class TooLargeBodyTest {
    private static final long LIMIT = 64 * 1024;
    private static final long PAUSE_MS = 10;
    private static final String[] PATHS = {"/v1/models/retrieval:recommend", "/v1/models/retrieval:predict",
        "/v1/models/retrieval/versions/1:recommend"};

    @TempDir
    static Path dir;
    static ModelServer server;

    @BeforeAll
    static void start() throws Exception {
        ServingFixtures.saveVersion(dir, 1, 3);
        server = ModelServer.start(new ServingOptions(dir, ServingOptions.DEFAULT_NAME, "127.0.0.1", 0, 0, null,
                10, 10, 1000, 1000, 10_000, LIMIT));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aChunkedBodyOverTheLimitIsReadAndAnswered413() throws IOException {
        for (String path : PATHS) {
            tooLarge(path, post(path, spaces((int) (3 * LIMIT)), true));
        }
    }

    @Test
    void aDeclaredBodyOverTheLimitIsReadAndAnswered413() throws IOException {
        for (String path : PATHS) {
            tooLarge(path, post(path, spaces((int) (3 * LIMIT)), false));
        }
    }

    @Test
    void aClientWaitingFor100ContinueGetsThe413WithoutSendingTheBody() throws IOException {
        for (String path : PATHS) {
            try (Socket s = connect()) {
                s.getOutputStream().write(head(path, false, 3 * LIMIT, "Expect: 100-continue\r\n"));
                tooLarge(path, read(s.getInputStream()));
            }
        }
    }

    @Test
    void aChunkedBodyWithinTheLimitIsServed() throws IOException {
        byte[] request = "{\"query\": {\"user_id\": \"42\"}, \"k\": 3}".getBytes(StandardCharsets.UTF_8);
        byte[] padded = Arrays.copyOf(request, (int) LIMIT);
        Arrays.fill(padded, request.length, padded.length, (byte) ' '); // exactly the limit, in 8 chunks
        for (String path : new String[] {PATHS[0], PATHS[2]}) {
            Answer a = post(path, padded, true);
            assertEquals(200, a.status, path + " -> " + a.body);
            assertEquals(3, Http.JSON.readTree(a.body).get("recommendations").size(), a.body);
        }
    }

    private static void tooLarge(String path, Answer a) throws IOException {
        assertEquals(413, a.status, path + " -> " + a.body);
        JsonNode error = Http.JSON.readTree(a.body).get("error");
        assertEquals("Content Too Large", error == null ? null : error.asText(), path + " -> " + a.body);
    }

    private static byte[] spaces(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) ' ');
        return b;
    }

    record Answer(int status, String body) {
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
        s.setSoTimeout(20_000);
        return s;
    }

    private static byte[] head(String path, boolean chunked, long length, String extra) {
        return ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + (chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + length) + "\r\n" + extra + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * POSTs {@code body} in pieces of 8 KB (chunks when {@code chunked}), all of it, then reads the
     * answer. The pieces past the limit go out {@value #PAUSE_MS} ms apart, as a body still on its
     * way over a network does: on the loopback a body written at once sits whole in the server's
     * buffers by the time it answers.
     */
    private static Answer post(String path, byte[] body, boolean chunked) throws IOException {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(head(path, chunked, body.length, ""));
            for (int off = 0; off < body.length; off += 8192) {
                int n = Math.min(8192, body.length - off);
                String size = chunked ? Integer.toHexString(n) + "\r\n" : "";
                out.write(size.getBytes(StandardCharsets.US_ASCII));
                out.write(body, off, n);
                out.write(chunked ? "\r\n".getBytes(StandardCharsets.US_ASCII) : new byte[0]);
                out.flush();
                if (off > LIMIT) {
                    pause();
                }
            }
            out.write(chunked ? "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII) : new byte[0]);
            out.flush();
            return read(s.getInputStream());
        }
    }

    private static void pause() {
        try {
            Thread.sleep(PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The status and the Content-Length body of one HTTP/1.1 answer. */
    private static Answer read(InputStream in) throws IOException {
        String status = line(in);
        assertTrue(status.startsWith("HTTP/1.1 "), status);
        int length = -1;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(h.substring(15).trim());
            }
        }
        assertTrue(length >= 0, "the answer has a Content-Length");
        return new Answer(Integer.parseInt(status.substring(9, 12)),
                new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the connection ended inside the answer's head: " + b);
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }
}
