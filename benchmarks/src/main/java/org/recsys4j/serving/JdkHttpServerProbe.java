package org.recsys4j.serving;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.recsys4j.index.TopK;

/**
 * The HTTP library measured against Javalin: the same {@code :recommend} (same request parsing,
 * version, towers, index and JSON) behind the JDK's built-in {@code com.sun.net.httpserver}, with
 * a fixed pool of worker threads, and nothing else (no metrics, no access log). Run with
 * {@code benchmarks/serve-load.sh jdk-httpserver}; prints the line serve-load.sh waits for.
 *
 * <p>Arguments: MODEL_DIR [THREADS, default 8].
 */
public final class JdkHttpServerProbe {
    private JdkHttpServerProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        ServingOptions options = ServingOptions.defaults(dir).withPort(0).withPollSeconds(0);
        ModelVersions versions = new ModelVersions(options.name(), dir, null, s -> { });
        versions.start(0);
        Requests requests = new Requests(options);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        server.setExecutor(Executors.newFixedThreadPool(threads));
        server.createContext("/v1/models/retrieval:recommend", exchange -> {
            try {
                Servable s = versions.current();
                byte[] body;
                int status = 200;
                try {
                    Requests.Recommend r = requests.recommend(requests.parse(exchange.getRequestBody().readAllBytes()),
                            s);
                    TopK top = s.retrieve(s.embed(List.of(r.query())).row(0), r.k(), r.exclude());
                    body = Responses.ranked(options.name(), s.version, "recommendations", top,
                            Map.of("query_known", s.knows((String) r.query().get(s.queryFeature()))), s.labels);
                } catch (ApiException e) {
                    status = e.status;
                    body = Responses.error(e.getMessage());
                }
                respond(exchange, status, body);
            } finally {
                exchange.close();
            }
        });
        server.createContext("/readyz", exchange -> {
            try {
                respond(exchange, 200, "{\"status\":\"ready\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } finally {
                exchange.close();
            }
        });
        server.start();
        System.out.println("Serving model retrieval version " + versions.current().version + " from " + dir
                + " (JDK HttpServer, " + threads + " threads) on http://127.0.0.1:" + server.getAddress().getPort()
                + "/");
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
