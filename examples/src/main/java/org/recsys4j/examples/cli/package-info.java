/**
 * The {@code recsys4j} command line: picocli commands wired with Dagger, run by
 * {@link org.recsys4j.examples.cli.Main}, which also defines the exit codes.
 */
package org.recsys4j.examples.cli;
