package org.recsys4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Reads a text file line by line, strictly decoded, while hashing its bytes for provenance. Knows
 * its line number so that parse errors can name it.
 */
final class LineReader implements AutoCloseable {
    private final Path file;
    private final MessageDigest digest;
    private final BufferedReader reader;
    private long lineNumber;

    LineReader(Path file, Charset charset) throws IOException {
        this.file = file;
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "MovieLens file is missing");
        }
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        InputStream in = new DigestInputStream(Files.newInputStream(file), digest);
        reader = new BufferedReader(new InputStreamReader(in, decoder), 1 << 16);
    }

    /** The next line, or null at the end of the file. */
    String next() throws IOException {
        try {
            String line = reader.readLine();
            if (line != null) {
                lineNumber++;
            }
            return line;
        } catch (java.nio.charset.CharacterCodingException e) {
            throw error("(text)", "not valid text in the expected encoding: " + e.getMessage());
        }
    }

    long lineNumber() {
        return lineNumber;
    }

    Path file() {
        return file;
    }

    MalformedDataException error(String field, String problem) {
        return new MalformedDataException(file, lineNumber, field, problem);
    }

    long parseLong(String field, String text) throws MalformedDataException {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw error(field, "expected an integer, found '" + text + "'");
        }
    }

    double parseDouble(String field, String text) throws MalformedDataException {
        try {
            double value = Double.parseDouble(text.trim());
            if (!Double.isFinite(value)) {
                throw error(field, "expected a finite number, found '" + text + "'");
            }
            return value;
        } catch (NumberFormatException e) {
            throw error(field, "expected a number, found '" + text + "'");
        }
    }

    /** Reads to the end (so the hash covers the whole file) and returns the hex SHA-256. */
    String sha256() throws IOException {
        char[] sink = new char[8192];
        while (reader.read(sink) >= 0) {
            // drain
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
