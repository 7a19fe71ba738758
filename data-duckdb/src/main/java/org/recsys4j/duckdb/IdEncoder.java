package org.recsys4j.duckdb;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.recsys4j.data.CategoricalColumn;

/**
 * Dictionary-encodes ids as they stream in: each distinct value gets the next code, in order of
 * first appearance. Integer ids go through an open-addressing {@code long -> int} table (no boxing,
 * no string per row); text ids through a hash map, except text that spells an integer the way
 * {@link Long#toString} does, which joins the integer table so that {@code 42} and {@code "42"} in
 * two files of one glob are the same id.
 */
final class IdEncoder {
    private long[] keys = new long[1 << 12];
    private int[] slots = new int[1 << 12]; // code + 1; 0 is empty
    private int longCount;
    private final Map<String, Integer> text = new HashMap<>();
    private Object[] tokens = new Object[1 << 10]; // Long or String, by code
    private int size;
    private int[] codes = new int[1 << 16];
    private int rows;

    void addLong(long value) {
        int mask = keys.length - 1;
        int i = mix(value) & mask;
        while (true) {
            int slot = slots[i];
            if (slot == 0) {
                int code = newCode(value);
                keys[i] = value;
                slots[i] = code + 1;
                if (++longCount * 2 > keys.length) {
                    grow();
                }
                append(code);
                return;
            }
            if (keys[i] == value) {
                append(slot - 1);
                return;
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
        if (n == 0 || n > 19) {
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
        if (rows == codes.length) {
            codes = Arrays.copyOf(codes, rows * 2);
        }
        codes[rows++] = code;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldSlots = slots;
        keys = new long[oldKeys.length * 2];
        slots = new int[oldSlots.length * 2];
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldSlots[j] != 0) {
                int i = mix(oldKeys[j]) & mask;
                while (slots[i] != 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                slots[i] = oldSlots[j];
            }
        }
    }

    private static int mix(long v) {
        long h = v * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    int rows() {
        return rows;
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
        return new CategoricalColumn(Arrays.copyOf(codes, rows), dictionary);
    }
}
