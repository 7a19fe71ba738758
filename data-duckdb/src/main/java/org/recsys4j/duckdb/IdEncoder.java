package org.recsys4j.duckdb;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.recsys4j.data.CategoricalColumn;

/**
 * Dictionary-encodes ids as they stream in: each distinct value gets the next code, in order of
 * first appearance. Integer ids go through a direct table indexed by the id while ids are small,
 * else an open-addressing {@code long -> int} table (no boxing, no string per row); text ids
 * through a hash map, except text that spells an integer the way {@link Long#toString} does, which
 * joins the integer table so that {@code 42} and {@code "42"} in two files of one glob are the same id.
 */
final class IdEncoder {
    /** Integer ids below this always take the direct table; above it, while it stays at most 16 per distinct id. */
    private static final long DIRECT_FLOOR = 1 << 20;
    private static final int DIRECT_CAP = 1 << 28;
    /** By id, code + 1 (0: not seen), for ids in [0, direct.length): one array read per row, no hashing. */
    private int[] direct = new int[1 << 10];
    /** The other integer ids: open addressing, the key and code + 1 side by side (one cache line per probe). */
    private long[] table = new long[2 << 10];
    private int hashed;
    /** Once a non-negative id is hashed the direct table stops growing, so no id ever gets two codes. */
    private boolean frozen;
    private final Map<String, Integer> text = new HashMap<>();
    private Object[] tokens = new Object[1 << 10]; // Long or String, by code
    private int size;
    /** The codes by row, in blocks: growing one array by doubling allocated, zeroed and copied four times the rows. */
    private final IntBlocks codes = new IntBlocks();

    /*
     * Why the direct table: ids are usually small non-negative integers (MovieLens' 1..162,541), and a
     * hash table of 2 x 162k entries is megabytes of random reads per row; an int per id below the
     * largest id is a fraction of that, and on the loaded 2-core machine the encoding went from the
     * reader's largest cost (about 1.2 CPU s per 5M rows of two ids) to a small one.
     */
    void addLong(long value) {
        if (value >= 0 && (value < direct.length || widen(value))) {
            int slot = direct[(int) value];
            if (slot == 0) {
                slot = newCode(value) + 1;
                direct[(int) value] = slot;
            }
            append(slot - 1);
            return;
        }
        append(hashed(value));
    }

    /** Grows the direct table to hold {@code value} when that keeps it small beside the ids seen. */
    private boolean widen(long value) {
        if (frozen || value >= DIRECT_CAP || (value >= DIRECT_FLOOR && value > 16L * (size + 1))) {
            frozen = true;
            return false;
        }
        int length = direct.length;
        while (length <= value) {
            length *= 2;
        }
        direct = Arrays.copyOf(direct, length);
        return true;
    }

    private int hashed(long value) {
        int mask = table.length / 2 - 1;
        int i = mix(value) & mask;
        while (true) {
            long slot = table[2 * i + 1];
            if (slot == 0) {
                int code = newCode(value);
                table[2 * i] = value;
                table[2 * i + 1] = code + 1;
                if (++hashed * 2 > mask) {
                    grow();
                }
                return code;
            }
            if (table[2 * i] == value) {
                return (int) slot - 1;
            }
            i = (i + 1) & mask;
        }
    }

    void addString(String value) {
        if (isCanonicalLong(value)) {
            try {
                addLong(Long.parseLong(value));
                return;
            } catch (NumberFormatException beyondLong) {
                // 19 digits past Long.MAX_VALUE: an id like any other text
            }
        }
        Integer code = text.get(value);
        if (code == null) {
            code = newCode(value);
            text.put(value, code);
        }
        append(code);
    }

    private static boolean isCanonicalLong(String s) {
        int n = s.length();
        if (n == 0 || n > (s.charAt(0) == '-' ? 20 : 19)) {
            return false;
        }
        int start = s.charAt(0) == '-' ? 1 : 0;
        if (start == n || (s.charAt(start) == '0' && n > start + 1) || (start == 1 && n == 2 && s.charAt(1) == '0')) {
            return false;
        }
        for (int i = start; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private int newCode(Object token) {
        if (size == tokens.length) {
            tokens = Arrays.copyOf(tokens, size * 2);
        }
        tokens[size] = token;
        return size++;
    }

    private void append(int code) {
        codes.add(code);
    }

    private void grow() {
        long[] old = table;
        table = new long[old.length * 2];
        int mask = table.length / 2 - 1;
        for (int j = 0; j < old.length; j += 2) {
            if (old[j + 1] != 0) {
                int i = mix(old[j]) & mask;
                while (table[2 * i + 1] != 0) {
                    i = (i + 1) & mask;
                }
                table[2 * i] = old[j];
                table[2 * i + 1] = old[j + 1];
            }
        }
    }

    private static int mix(long v) {
        long h = v * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    /** Room for {@code rows} codes before any has come (see {@link Blocks#expect}). */
    void expect(int rows) {
        codes.expect(rows);
    }

    int rows() {
        return codes.size();
    }

    int distinct() {
        return size;
    }

    /** The codes so far and the dictionary: integers spelt as {@link Long#toString} does. */
    CategoricalColumn column() {
        String[] dictionary = new String[size];
        for (int c = 0; c < size; c++) {
            dictionary[c] = tokens[c].toString();
        }
        return new CategoricalColumn(codes.toArray(), dictionary);
    }
}
