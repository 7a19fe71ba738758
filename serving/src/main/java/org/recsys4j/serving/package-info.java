/**
 * The serving layer: {@code recsys4j serve}, a model server over a directory of numbered model
 * versions (TF Serving's layout) with TF Serving's REST API, recsys4j's {@code :recommend} and
 * {@code :similar}, hot reload, Prometheus metrics and a web page, on Javalin (Jetty). It depends
 * on {@code api} only and runs the towers in plain Java.
 */
package org.recsys4j.serving;
