package org.recsys4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Reads a text file line by line, strictly decoded, while hashing its bytes for provenance. It splits
 * lines on the bytes ({@code \n}, {@code \r\n} or {@code \r}, as {@code BufferedReader} does) before
 * decoding each one, so that it knows the line number and the byte offset of every line: a byte that
 * is not valid text is reported where it is, not where a read-ahead buffer happened to be.
 */
final class LineReader implements AutoCloseable, RecordLocation {
    private final Path file;
    private final Charset charset;
    private final MessageDigest digest;
    private final InputStream in;
    private final CharsetDecoder decoder;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private byte[] line = new byte[256];
    private CharBuffer chars = CharBuffer.allocate(256);
    private boolean skipLineFeed;
    private long offset;
    private long lineStart;
    private long lineNumber;

    LineReader(Path file, Charset charset) throws IOException {
        this.file = file;
        this.charset = charset;
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "MovieLens file is missing");
        }
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        in = new DigestInputStream(Files.newInputStream(file), digest);
    }

    /** The next line without its terminator, or null at the end of the file. */
    String next() throws IOException {
        int length = 0;
        boolean any = false;
        lineStart = offset;
        for (int b = read(); b >= 0; b = read()) {
            if (skipLineFeed) {
                skipLineFeed = false;
                if (b == '\n') {
                    lineStart = offset;
                    continue;
                }
            }
            any = true;
            if (b == '\n') {
                break;
            }
            if (b == '\r') {
                skipLineFeed = true;
                break;
            }
            if (length == line.length) {
                line = Arrays.copyOf(line, length * 2);
            }
            line[length++] = (byte) b;
        }
        if (!any) {
            return null;
        }
        lineNumber++;
        return decode(length);
    }

    private int read() throws IOException {
        if (position == limit) {
            limit = in.read(buffer, 0, buffer.length);
            position = 0;
            if (limit <= 0) {
                limit = 0;
                return -1;
            }
        }
        offset++;
        return buffer[position++] & 0xff;
    }

    private String decode(int length) throws MalformedDataException {
        ByteBuffer bytes = ByteBuffer.wrap(line, 0, length);
        int capacity = (int) Math.ceil(length * (double) decoder.maxCharsPerByte()) + 1;
        if (chars.capacity() < capacity) {
            chars = CharBuffer.allocate(capacity);
        }
        chars.clear();
        decoder.reset();
        CoderResult result = decoder.decode(bytes, chars, true);
        if (!result.isError()) {
            result = decoder.flush(chars);
        }
        if (result.isError()) {
            int at = bytes.position();
            throw error("(text)", String.format(Locale.ROOT, "not valid %s: byte 0x%02X at byte offset %d of the"
                    + " file (byte %d of the line)", charset.name(), line[at] & 0xff, lineStart + at, at + 1));
        }
        return chars.flip().toString();
    }

    long lineNumber() {
        return lineNumber;
    }

    /** The byte offset of the current line's first byte in the file. */
    long lineStart() {
        return lineStart;
    }

    Path file() {
        return file;
    }

    @Override
    public MalformedDataException error(String field, String problem) {
        return new MalformedDataException(file, lineNumber, field, problem);
    }

    long parseLong(String field, String text) throws MalformedDataException {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw error(field, "expected an integer, found " + MalformedDataException.quote(text));
        }
    }

    /** Reads to the end (so the hash covers the whole file) and returns the hex SHA-256. */
    String sha256() throws IOException {
        while (in.read(buffer, 0, buffer.length) >= 0) {
            // drain: the digest sees every byte
        }
        position = 0;
        limit = 0;
        return HexFormat.of().formatHex(digest.digest());
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
