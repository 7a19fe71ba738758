package org.recsys4j.spi;

import java.util.Map;

/**
 * Backend settings as text, so the SPI stays backend-neutral: {@code threads}, {@code device}
 * ({@code /CPU:0}, {@code /GPU:0}), {@code xla} ({@code true}/{@code false}). A backend ignores
 * what it does not know and says so in its description.
 */
public record BackendOptions(Map<String, String> values) {
    public BackendOptions {
        values = Map.copyOf(values);
    }

    public static BackendOptions none() {
        return new BackendOptions(Map.of());
    }

    public String get(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    public boolean flag(String key) {
        return Boolean.parseBoolean(values.getOrDefault(key, "false"));
    }

    public int intValue(String key, int fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("backend option '" + key + "' must be an integer, got '" + v + "'");
        }
    }
}
