package org.recsys4j.spi;

import java.util.Objects;

/**
 * A setting a backend takes as {@code -O KEY=VALUE}: its key, the type its value must have, its
 * default (as text, parsed as a given value is) and a line of help. A backend lists them in
 * {@link Backend#options()}; {@link BackendOptions} refuses keys no backend in use declares, and
 * values their type does not parse.
 */
public record BackendOption(String name, Type type, String defaultValue, String help) {
    /** What a value may be; every type is parsed by {@link TextValues}. */
    public enum Type {
        /** {@code true} or {@code false}. */
        BOOLEAN("true or false"),
        /** A whole number, 0 or more (e.g. threads; 0 usually meaning "the runtime decides"). */
        COUNT("a whole number, 0 or more"),
        /** A device such as {@code /CPU:0} or {@code /GPU:0}; empty means "the runtime decides". */
        DEVICE("a device such as /CPU:0 or /GPU:0");

        private final String description;

        Type(String description) {
            this.description = description;
        }

        @Override
        public String toString() {
            return description;
        }
    }

    public BackendOption {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(help, "help");
        if (!name.matches("[a-z][a-z0-9_.-]*")) {
            throw new IllegalArgumentException("a backend option's key is lower-case letters, digits, '_', '.' or"
                    + " '-', got '" + name + "'");
        }
    }

    /** A {@code true}/{@code false} option. */
    public static BackendOption bool(String name, boolean defaultValue, String help) {
        return new BackendOption(name, Type.BOOLEAN, Boolean.toString(defaultValue), help);
    }

    /** A whole-number option of at least 0 (threads, say). */
    public static BackendOption count(String name, int defaultValue, String help) {
        return new BackendOption(name, Type.COUNT, Integer.toString(defaultValue), help);
    }

    /** A device option, unset by default. */
    public static BackendOption device(String name, String help) {
        return new BackendOption(name, Type.DEVICE, "", help);
    }

    /** Parses {@code text} as this option's type; {@code backend} names it in the error. */
    Object parse(String backend, String text) {
        String what = "backend option " + name + " of " + backend;
        return switch (type) {
            case BOOLEAN -> TextValues.parseBoolean(what, text);
            case COUNT -> TextValues.parseInt(what, text, 0, Integer.MAX_VALUE);
            case DEVICE -> text.isBlank() ? null : TextValues.parseDevice(what, text);
        };
    }

    /** E.g. {@code threads (a whole number, 0 or more; default 0): the most threads ...}. */
    @Override
    public String toString() {
        return name + " (" + type + (defaultValue.isEmpty() ? "" : "; default " + defaultValue) + "): " + help;
    }
}
