package org.recsys4j.serving;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of a TF Serving URL after {@code /v1/models/}: {@code NAME[/versions/N][:VERB]} or
 * {@code NAME[/versions/N]/metadata}. Parsed here rather than by the router so that every
 * malformed path gets TF Serving's error body. A name is only ever compared with the served
 * model's name, never used as a path, so no request can reach outside the model directory.
 */
record ModelPath(String name, Long version, String verb, boolean metadata) {
    private static final Pattern PATH = Pattern.compile(
            "([A-Za-z0-9_.-]{1,128})(?:/versions/([0-9]{1,18}))?(?::([a-z]{1,32})|(/metadata))?");

    static ModelPath parse(String rest) {
        Matcher m = PATH.matcher(rest);
        if (!m.matches()) {
            throw ApiException.notFound("Malformed request: no such path /v1/models/" + Strings.cut(rest)
                    + " (expected NAME[/versions/N][:predict|:recommend|:similar] or NAME[/versions/N]/metadata)");
        }
        Long version = m.group(2) == null ? null : Long.parseLong(m.group(2));
        return new ModelPath(m.group(1), version, m.group(3), m.group(4) != null);
    }
}
