package org.recsys4j.spi;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Backend settings as text ({@code -O KEY=VALUE}), so the SPI stays backend-neutral. Settings that
 * say no: {@link #validate} refuses a key no backend in use declares ({@link Backend#options()}),
 * listing those it knows, and a value its declared type does not parse; a backend validates what
 * it is given before it starts, and reads values through the typed getters, which apply the
 * declared default.
 */
public record BackendOptions(Map<String, String> values) {
    public BackendOptions {
        values = Map.copyOf(values);
    }

    /**
     * Settings written as one text, {@code KEY=VALUE,KEY=VALUE} (blank items skipped, spaces
     * around keys and values trimmed), as a Spark param or a system property carries them.
     *
     * @param field what the text came from, named in the error
     * @throws IllegalArgumentException for an item that is not {@code KEY=VALUE}
     */
    public static BackendOptions parseList(String text, String field) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String item : text.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq < 0 || item.substring(0, eq).isBlank()) {
                throw new IllegalArgumentException(field + ": expected KEY=VALUE, got '" + item.trim() + "'");
            }
            values.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
        }
        return new BackendOptions(values);
    }

    /** No settings: every backend uses its defaults. */
    public static BackendOptions none() {
        return new BackendOptions(Map.of());
    }

    /**
     * These options, checked against the backends a run uses (a trainer and the backend that
     * serves what it trained, say): every key must be declared by at least one of them, and its
     * value must parse as each declaring backend's type.
     *
     * @return this
     * @throws IllegalArgumentException naming the key or value, and the keys the backends know
     */
    public BackendOptions validate(Collection<? extends Backend> backends) {
        for (var e : new TreeMap<>(values).entrySet()) {
            boolean known = false;
            for (Backend b : backends) {
                for (BackendOption o : b.options()) {
                    if (o.name().equals(e.getKey())) {
                        known = true;
                        o.parse(b.name(), e.getValue());
                    }
                }
            }
            if (!known) {
                throw new IllegalArgumentException("unknown backend option '" + e.getKey() + "' for "
                        + names(backends) + "; " + known(backends));
            }
        }
        return this;
    }

    /** As {@link #validate(Collection)}, for one backend. */
    public BackendOptions validate(Backend backend) {
        return validate(List.of(backend));
    }

    /** The options {@code backend} declares, of these (for a run where several backends share them). */
    public BackendOptions only(Backend backend) {
        Map<String, String> out = new LinkedHashMap<>();
        for (BackendOption o : backend.options()) {
            if (values.containsKey(o.name())) {
                out.put(o.name(), values.get(o.name()));
            }
        }
        return new BackendOptions(out);
    }

    /** A {@link BackendOption.Type#BOOLEAN} option's value, or its default. */
    public boolean flag(Backend backend, BackendOption option) {
        return (Boolean) value(backend, option, BackendOption.Type.BOOLEAN);
    }

    /** A {@link BackendOption.Type#COUNT} option's value, or its default. */
    public int count(Backend backend, BackendOption option) {
        return (Integer) value(backend, option, BackendOption.Type.COUNT);
    }

    /** A {@link BackendOption.Type#DEVICE} option's value, or null when unset (the runtime decides). */
    public TextValues.Device device(Backend backend, BackendOption option) {
        return (TextValues.Device) value(backend, option, BackendOption.Type.DEVICE);
    }

    private Object value(Backend backend, BackendOption option, BackendOption.Type type) {
        if (option.type() != type) {
            throw new IllegalArgumentException("backend option " + option.name() + " is " + option.type()
                    + ", not " + type);
        }
        return option.parse(backend.name(), values.getOrDefault(option.name(), option.defaultValue()));
    }

    private static String names(Collection<? extends Backend> backends) {
        List<String> names = new ArrayList<>();
        backends.forEach(b -> names.add(b.name()));
        return names.size() == 1 ? names.get(0) : String.join(" and ", names);
    }

    /** What the backends take, one option a line, or that they take none. */
    private static String known(Collection<? extends Backend> backends) {
        StringBuilder b = new StringBuilder();
        for (Backend backend : backends) {
            if (backend.options().isEmpty()) {
                b.append(backends.size() == 1 ? "it takes no options" : backend.name() + " takes no options");
                continue;
            }
            b.append(backends.size() == 1 ? "it takes" : backend.name() + " takes").append(':');
            for (BackendOption o : backend.options()) {
                b.append("\n  ").append(o);
            }
            b.append('\n');
        }
        return b.toString().strip();
    }
}
