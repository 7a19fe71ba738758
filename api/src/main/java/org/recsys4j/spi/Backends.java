package org.recsys4j.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds backends on the class path with {@link ServiceLoader}, by name, as DJL finds its engines. */
public final class Backends {
    private Backends() {
    }

    /** Every backend on the class path, found by {@link ServiceLoader}. */
    public static List<Backend> available() {
        List<Backend> out = new ArrayList<>();
        ServiceLoader.load(Backend.class).forEach(out::add);
        return out;
    }

    /** The backend named {@code name} (case-insensitive); an error listing the available ones otherwise. */
    public static Backend get(String name) {
        List<String> names = new ArrayList<>();
        for (Backend b : ServiceLoader.load(Backend.class)) {
            if (b.name().equalsIgnoreCase(name)) {
                return b;
            }
            names.add(b.name());
        }
        throw new IllegalArgumentException("no backend named '" + name + "' on the class path; available: " + names
                + ". Add the module recsys4j-backend-" + name + " as a dependency.");
    }
}
