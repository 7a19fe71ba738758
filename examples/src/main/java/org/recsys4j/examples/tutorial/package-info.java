/**
 * The TFRS tutorials in Java (quickstart, retrieval, item-to-item, efficient serving), each a class
 * that reads like the published notebook; the command line runs them.
 */
package org.recsys4j.examples.tutorial;
