package org.recsys4j.synth;

import java.io.IOException;
import java.io.OutputStream;

/** Writes rows of integers as CSV through a byte buffer: no string or object per row. */
final class CsvRows implements AutoCloseable {
    private final OutputStream out;
    private final byte[] buffer = new byte[1 << 20];
    private final byte[] digits = new byte[20];
    private int used;

    CsvRows(OutputStream out) {
        this.out = out;
    }

    CsvRows text(String s) throws IOException {
        for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            put(b);
        }
        return this;
    }

    CsvRows number(long value) throws IOException {
        if (used + 21 > buffer.length) {
            flush();
        }
        if (value < 0) {
            buffer[used++] = '-';
            value = -value;
        }
        int n = 0;
        do {
            digits[n++] = (byte) ('0' + value % 10);
            value /= 10;
        } while (value > 0);
        while (n > 0) {
            buffer[used++] = digits[--n];
        }
        return this;
    }

    CsvRows comma() throws IOException {
        put((byte) ',');
        return this;
    }

    CsvRows end() throws IOException {
        put((byte) '\n');
        return this;
    }

    private void put(byte b) throws IOException {
        if (used == buffer.length) {
            flush();
        }
        buffer[used++] = b;
    }

    private void flush() throws IOException {
        out.write(buffer, 0, used);
        used = 0;
    }

    @Override
    public void close() throws IOException {
        flush();
        out.close();
    }
}
