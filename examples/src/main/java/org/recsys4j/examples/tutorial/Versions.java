package org.recsys4j.examples.tutorial;

import java.util.LinkedHashMap;
import java.util.Map;
import org.recsys4j.spi.Backend;

/** The versions recorded in a bundle's provenance. */
public final class Versions {
    private Versions() {
    }

    public static Map<String, String> all(Backend backend) {
        Map<String, String> v = new LinkedHashMap<>();
        String own = Versions.class.getPackage().getImplementationVersion();
        v.put("recsys4j", own == null ? "development" : own);
        v.put("java", System.getProperty("java.version"));
        v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        v.put("backend", backend.description());
        return v;
    }
}
