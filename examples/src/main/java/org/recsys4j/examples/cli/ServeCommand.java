package org.recsys4j.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import org.recsys4j.serving.ModelServer;
import org.recsys4j.serving.ServingOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serves a directory of model versions (DIR/1/, DIR/2/, ... each a bundle) over HTTP:"
                + " TF Serving's REST API (:predict, version status, metadata), :recommend and :similar,"
                + " /healthz, /readyz,"
                + " /metrics and a web page at /. Polls for new versions and swaps them in without a failed request."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model-dir", required = true, description = "The directory of numbered versions.")
    Path modelDir;

    @Option(names = "--name", defaultValue = ServingOptions.DEFAULT_NAME,
            description = "The model's name in URLs, /v1/models/NAME (default ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "The address to listen on (default ${DEFAULT-VALUE}: this machine only).")
    String host;

    @Option(names = "--port", defaultValue = "8501",
            description = "The port (default ${DEFAULT-VALUE}; 0: any free one).")
    int port;

    @Option(names = "--poll-seconds", defaultValue = "1",
            description = "How often to look for a new version (default ${DEFAULT-VALUE}; 0: never).")
    double pollSeconds;

    @Option(names = "--seen", description = "Seen items (a seen_items.safetensors file) for exclude_seen, instead of"
            + " each version's own.")
    Path seen;

    @Option(names = "--k", defaultValue = "10", description = "Results per query of :predict, and the default k of"
            + " :recommend and :similar (default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--max-k", defaultValue = "1000", description = "The largest k a request may ask for (default"
            + " ${DEFAULT-VALUE}).")
    int maxK;

    @Option(names = "--max-batch", defaultValue = "1000", description = "The most queries in one :predict (default"
            + " ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--max-body-bytes", defaultValue = "1048576", description = "The largest request body (default"
            + " ${DEFAULT-VALUE}).")
    long maxBodyBytes;

    private final Output out;

    @Inject
    ServeCommand(Output out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(modelDir)) {
            // the flag is well formed; what it names is missing: a data error (exit 1), as a missing --data-dir is
            throw new java.nio.file.NoSuchFileException(modelDir.toString(), null,
                    Files.exists(modelDir) ? "--model-dir is not a directory" : "--model-dir: no such directory");
        }
        ServingOptions options = new ServingOptions(modelDir, name, host, port, pollSeconds, seen, k, k, maxK,
                maxBatch, 10_000, maxBodyBytes);
        ModelServer server = ModelServer.start(options);
        // SIGTERM (a service manager's stop) or Ctrl-C: stop accepting, let requests in flight finish,
        // then return 0. Left to the JVM, the same stop would run as a shutdown hook and exit 143.
        stopOn("TERM", server);
        stopOn("INT", server);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "recsys4j-serve-shutdown"));
        out.line("Serving model " + name + (server.servingVersion() < 0 ? " (no version loaded yet)"
                : " version " + server.servingVersion()) + " from " + modelDir + " on http://" + host + ":"
                + server.port() + "/");
        server.awaitStop();
        return 0;
    }

    /** Handles the signal by stopping the server, on a thread of its own (a handler must not block). */
    @SuppressWarnings("sunapi") // sun.misc.Signal: the JDK's only way to handle a signal and still exit 0
    private static void stopOn(String signal, ModelServer server) {
        sun.misc.Signal.handle(new sun.misc.Signal(signal),
                s -> new Thread(server::close, "recsys4j-serve-sig" + signal.toLowerCase(java.util.Locale.ROOT))
                        .start());
    }
}
