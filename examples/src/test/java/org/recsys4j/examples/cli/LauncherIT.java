package org.recsys4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsys4j.testing.TestData;

/**
 * The real {@code ./recsys4j} launcher on the packaged build (failsafe runs this after {@code package}):
 * the first lines a user sees are ours. No SLF4J "no binding" warning, no TensorFlow absl or MLIR lines,
 * no JVM incubator notice, unless {@code --verbose} asks for them; and what recsys4j cannot explain (a
 * JVM that did not start) is still shown.
 */
class LauncherIT {
    /** absl's log line: severity, date, time, thread, file:line]. */
    private static final Pattern ABSL_LINE = Pattern.compile("(?m)^[IWEF]\\d{4} \\d\\d:\\d\\d:\\d\\d");
    private static final List<String> NOISE = List.of("SLF4J", "absl", "MLIR", "incubator", "StaticLoggerBinder");

    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private Run launch(List<String> env, String... args) throws Exception {
        Path launcher = Path.of("").toAbsolutePath().getParent().resolve("recsys4j");
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
        pb.environment().put("RECSYS4J_NO_BUILD", "1");
        pb.environment().remove("TF_CPP_MIN_LOG_LEVEL");
        for (String kv : env) {
            pb.environment().put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        // pipes, as a terminal or `| less` gives them (a file as stderr would keep the native output)
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> out = read(p.getInputStream());
        CompletableFuture<String> err = read(p.getErrorStream());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the launcher finished");
        return new Run(p.exitValue(), out.get(1, TimeUnit.MINUTES), err.get(1, TimeUnit.MINUTES));
    }

    private static CompletableFuture<String> read(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Test
    void tensorFlowAndNd4jSayNothingUnlessVerbose() throws Exception {
        // retrieval on nd4j loads both: ND4J trains, TensorFlow exports and reloads the SavedModel
        String[] args = {"retrieval", "--backend", "nd4j", "--epochs", "0", "--data-dir",
            TestData.ml100kDir().toString(), "--output-dir", tmp.resolve("models").toString()};
        Run quiet = launch(List.of(), args);
        assertEquals(0, quiet.code(), quiet.err());
        assertTrue(quiet.out().contains("All agree: trained, loaded_bundle, saved_model."), quiet.out());
        for (String noise : NOISE) {
            assertTrue(!quiet.err().contains(noise), "'" + noise + "' on stderr:\n" + quiet.err());
        }
        assertTrue(!ABSL_LINE.matcher(quiet.err()).find(), "an absl line on stderr:\n" + quiet.err());

        List<String> verboseArgs = new ArrayList<>(List.of(args));
        verboseArgs.add("--verbose");
        Run verbose = launch(List.of(), verboseArgs.toArray(String[]::new));
        assertEquals(0, verbose.code(), verbose.err());
        assertTrue(verbose.err().contains("Loaded [CpuBackend] backend"),
                "ND4J's info logs through slf4j-simple:\n" + verbose.err());
        assertTrue(verbose.err().contains("incubator") || ABSL_LINE.matcher(verbose.err()).find(),
                "the native side's own lines:\n" + verbose.err());
        assertTrue(!verbose.err().contains("StaticLoggerBinder") && !verbose.err().contains("No SLF4J providers"),
                "SLF4J has its binding:\n" + verbose.err());
    }

    @Test
    void aDataErrorIsTheFirstAndOnlyLineOnStderr() throws Exception {
        Path bad = Files.createDirectories(tmp.resolve("bad"));
        Files.writeString(bad.resolve("movies.csv"), "movieId,title,genres\n1,,Drama\n");
        Files.writeString(bad.resolve("ratings.csv"), "userId,movieId,rating,timestamp\n1,1,4,1\n");
        Run run = launch(List.of(), "baseline", "--data-dir", bad.toString());
        assertEquals(ExitCode.DATA_ERROR, run.code());
        assertEquals("recsys4j: " + bad.resolve("movies.csv") + ":2: field 'title': empty title", run.err().strip());
    }

    @Test
    void aJvmThatCannotStartIsNotSilenced() throws Exception {
        Run run = launch(List.of("RECSYS4J_JAVA_OPTS=-XX:+NoSuchOptionAnywhere"), "--help");
        assertTrue(run.code() != 0, "exit code " + run.code());
        assertTrue(run.err().contains("NoSuchOptionAnywhere"), run.err());
        assertTrue(run.err().startsWith("recsys4j: exit code " + run.code()), run.err());
    }

    /**
     * {@code recsys4j serve} behind the launcher, as a service manager runs it: SIGTERM to the
     * launcher's process reaches the JVM (the launcher runs it in the background and forwards the
     * signal), the server answers what it was given, stops, and everything exits 0.
     */
    @Test
    void theLauncherForwardsSigtermAndTheServerStopsCleanly() throws Exception {
        Path models = tmp.resolve("models");
        String[] users = {"1", "2", "3"};
        String[] titles = {"Star Wars (1977)", "Fargo (1996)", "Heat (1995)"};
        org.recsys4j.data.MovieLensData tiny = new org.recsys4j.data.MovieLensData("tiny",
                org.recsys4j.data.Interactions.builder().strings("user_id", users).strings("movie_title", titles)
                        .build(),
                org.recsys4j.data.Interactions.builder().strings("movie_title", titles).build(), java.util.Map.of());
        org.recsys4j.bundle.BundleIO.save(TestData.untrainedMovieLensBundle(tiny, 8, 1), models.resolve("1"));

        Path launcher = Path.of("").toAbsolutePath().getParent().resolve("recsys4j");
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "serve", "--model-dir", models.toString(),
                "--port", "0", "--poll-seconds", "0").directory(tmp.toFile());
        pb.environment().put("RECSYS4J_NO_BUILD", "1");
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> err = read(p.getErrorStream());
        CompletableFuture<Integer> port = new CompletableFuture<>();
        StringBuffer out = new StringBuffer();
        Pattern serving = Pattern.compile(
                "Serving model retrieval version 1 from .* on http://127\\.0\\.0\\.1:(\\d+)/");
        Thread reader = new Thread(() -> {
            try (java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(
                    p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    out.append(line).append('\n');
                    java.util.regex.Matcher m = serving.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                out.append("(reading stopped: ").append(e).append(")\n");
            }
            port.complete(-1);
        });
        reader.start();
        try {
            int at = port.get(2, TimeUnit.MINUTES);
            assertTrue(at > 0, "the launcher's server says where it serves:\n" + out);
            java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + at
                            + "/v1/models/retrieval:recommend")).POST(java.net.http.HttpRequest.BodyPublishers
                            .ofString("{\"query\": {\"user_id\": \"2\"}, \"k\": 2}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());

            // SIGTERM to the launcher (the bash script), not to the JVM it started
            assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the launcher exits within 30 s of SIGTERM:\n" + out);
            String stderr = err.get(1, TimeUnit.MINUTES);
            assertEquals(0, p.exitValue(), "a clean stop exits 0:\n" + stderr);
            assertTrue(stderr.contains("stopped serving retrieval"), "the server stopped itself:\n" + stderr);
            reader.join(10_000);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly); // the JVM, should the test fail before it stops
            p.destroyForcibly();
        }
    }
}
