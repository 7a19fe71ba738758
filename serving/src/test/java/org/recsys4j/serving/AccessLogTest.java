package org.recsys4j.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** The access log's line, and the cut that every logged path goes through. */
class AccessLogTest {
    @Test
    void lineHasClientRequestStatusAndMillisecondsToTheMicrosecond() {
        assertEquals("127.0.0.1 \"POST /v1/models/retrieval:recommend\" 200 0.153ms",
                AccessLog.line("127.0.0.1", "POST", "/v1/models/retrieval:recommend", 200, 153_400));
        assertEquals("::1 \"GET /healthz\" 200 12.346ms", AccessLog.line("::1", "GET", "/healthz", 200, 12_345_678));
        assertEquals("1.2.3.4 \"GET /x\" 404 0.005ms", AccessLog.line("1.2.3.4", "GET", "/x", 404, 5_000));
        assertEquals("1.2.3.4 \"GET /x\" 404 0.050ms", AccessLog.line("1.2.3.4", "GET", "/x", 404, 49_500));
        assertEquals("1.2.3.4 \"GET /x\" 500 1001.000ms",
                AccessLog.line("1.2.3.4", "GET", "/x", 500, 1_000_999_600L));
    }

    @Test
    void pathsWithControlCharactersOrTooLongAreCut() {
        String plain = "/v1/models/retrieval:recommend";
        assertSame(plain, Strings.cut(plain), "a plain path is logged as it is, without a copy");
        assertEquals("/a?b?c", Strings.cut("/a\u0000b\u007fc"));
        assertEquals("/x\ty".replace('\t', '?'), Strings.cut("/x\ty"));
        String longPath = "/" + "a".repeat(200);
        assertEquals(longPath.substring(0, 120) + "... (201 characters)", Strings.cut(longPath));
        assertEquals("null", Strings.cut(null));
    }
}
