/**
 * The {@code recsys4j} command line: picocli commands wired with Dagger, run by
 * {@link org.recsys4j.examples.cli.Main}; {@link org.recsys4j.examples.cli.ExitCode} says which exit code
 * each kind of failure gets and how a command reports one.
 */
package org.recsys4j.examples.cli;
