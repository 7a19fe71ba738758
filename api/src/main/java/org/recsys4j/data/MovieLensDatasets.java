package org.recsys4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Finds MovieLens data the way TFDS does: a directory the user names wins; otherwise the dataset is
 * downloaded once from GroupLens into a cache directory, checked against its published SHA-256,
 * and unpacked there.
 *
 * <p>Order: an explicit directory, then {@code $RECSYS4J_DATA}, then the cache
 * ({@code $RECSYS4J_CACHE} or {@code ~/.cache/recsys4j}), then the download.
 */
public final class MovieLensDatasets {
    public static final String ENV_DATA = "RECSYS4J_DATA";
    public static final String ENV_CACHE = "RECSYS4J_CACHE";
    static final URI ML_100K_URL = URI.create("https://files.grouplens.org/datasets/movielens/ml-100k.zip");
    static final String ML_100K_SHA256 = "50d2a982c66986937beb9ffb3aa76efe955bf3d5c6b761f4e3a7cd717c6a3229";

    private final Path cacheRoot;
    private final URI url;
    private final String sha256;

    /** Finds MovieLens 100k in, or downloads it to, {@code cacheRoot} from GroupLens. */
    public MovieLensDatasets(Path cacheRoot) {
        this(cacheRoot, ML_100K_URL, ML_100K_SHA256);
    }

    /** For tests and mirrors: another archive location and its checksum. */
    public MovieLensDatasets(Path cacheRoot, URI url, String sha256) {
        this.cacheRoot = cacheRoot;
        this.url = url;
        this.sha256 = sha256;
    }

    /** Caches in {@code $RECSYS4J_CACHE}, else {@code ~/.cache/recsys4j}. */
    public static MovieLensDatasets withDefaultCache() {
        String env = System.getenv(ENV_CACHE);
        Path root = env != null && !env.isBlank()
                ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "recsys4j");
        return new MovieLensDatasets(root);
    }

    /**
     * Loads MovieLens from {@code dataDir} if given (a 100k directory, a CSV-family directory, or a
     * directory holding {@code ml-100k/}), else from {@code $RECSYS4J_DATA}, else from the cache,
     * downloading it first if needed.
     */
    public MovieLensData load(Path dataDir) throws IOException {
        if (dataDir == null) {
            String env = System.getenv(ENV_DATA);
            if (env != null && !env.isBlank()) {
                dataDir = Path.of(env);
            }
        }
        if (dataDir != null) {
            return loadDirectory(dataDir);
        }
        return loadDirectory(ml100k());
    }

    /**
     * Reads a MovieLens directory of either family: the 100k files ({@code u.data}, {@code u.item}, ...),
     * the CSV files ({@code ratings.csv}, {@code movies.csv}), or a directory holding {@code ml-100k/}.
     */
    public static MovieLensData loadDirectory(Path dir) throws IOException {
        if (MovieLens100k.isDataDir(dir)) {
            return MovieLens100k.load(dir);
        }
        if (MovieLensCsv.isDataDir(dir)) {
            return MovieLensCsv.load(dir);
        }
        if (MovieLens100k.isDataDir(dir.resolve("ml-100k"))) {
            return MovieLens100k.load(dir.resolve("ml-100k"));
        }
        throw new IOException("no MovieLens data in " + dir.toAbsolutePath()
                + ": expected u.data and u.item (MovieLens 100k) or ratings.csv and movies.csv (ml-latest-small,"
                + " ml-20m, ml-25m), or an ml-100k/ folder");
    }

    /** The cached MovieLens 100k directory, downloaded and verified on first use. */
    public Path ml100k() throws IOException {
        Path dir = cacheRoot.resolve("ml-100k");
        if (MovieLens100k.isDataDir(dir)) {
            return dir;
        }
        Files.createDirectories(cacheRoot);
        Path zip = Files.createTempFile(cacheRoot, "ml-100k", ".zip.part");
        try {
            download(zip);
            verify(zip);
            Path staging = Files.createTempDirectory(cacheRoot, "ml-100k.unpack");
            unzip(zip, staging);
            Path unpacked = staging.resolve("ml-100k");
            if (!MovieLens100k.isDataDir(unpacked)) {
                throw new IOException("the archive from " + url + " has no ml-100k/u.data");
            }
            Files.move(unpacked, dir, StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(staging);
            return dir;
        } finally {
            Files.deleteIfExists(zip);
        }
    }

    private void download(Path target) throws IOException {
        System.err.println("Downloading MovieLens 100k from " + url + " into " + cacheRoot + " ...");
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(20))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        try {
            HttpResponse<InputStream> response = client.send(
                    HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                response.body().close();
                throw new IOException("HTTP " + response.statusCode());
            }
            try (InputStream in = response.body()) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw offline(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw offline(new IOException("interrupted", e));
        }
    }

    private IOException offline(IOException cause) {
        String why = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        return new IOException("could not download MovieLens 100k from " + url + " (" + why
                + "). Without network, point recsys4j at local files: --data-dir DIR or " + ENV_DATA
                + "=DIR, where DIR holds u.data, u.item and u.user", cause);
    }

    private void verify(Path zip) throws IOException {
        String actual = sha256(zip);
        if (!actual.equalsIgnoreCase(sha256)) {
            throw new IOException("the download from " + url + " has SHA-256 " + actual + ", expected " + sha256
                    + "; it was discarded");
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int r; (r = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, r);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void unzip(Path zip, Path into) throws IOException {
        Path root = into.toAbsolutePath().normalize();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                Path out = root.resolve(e.getName()).normalize();
                if (!out.startsWith(root)) {
                    throw new IOException("archive entry escapes the target directory: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
