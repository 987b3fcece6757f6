/**
 * The HTTP front end inside {@code serve}: liveness, readiness, Prometheus metrics, the status API and
 * the status page, on the JDK's HTTP server, fed through small ports that the composition root wires
 * to the facade and the metrics registry.
 */
package io.scoutbot.web;
