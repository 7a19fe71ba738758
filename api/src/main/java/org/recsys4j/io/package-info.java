/**
 * The format layer every file recsys4j writes goes through, as Lucene's {@code CodecUtil} serves
 * every codec: a format name and the versions a build reads ({@link org.recsys4j.io.FormatHeader}),
 * SHA-256 checksums ({@link org.recsys4j.io.Checksums}), whole-or-nothing writes of files and
 * directories that follow the umask ({@link org.recsys4j.io.AtomicFiles}), directories replaced by
 * one atomic commit file ({@link org.recsys4j.io.CommitDirectory}), strict JSON reading
 * ({@link org.recsys4j.io.JsonFiles}), checks that a path is a regular file
 * ({@link org.recsys4j.io.FileChecks}), and one exception type for all of it,
 * {@link org.recsys4j.io.FormatException}, which names the file.
 */
package org.recsys4j.io;
