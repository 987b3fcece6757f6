/**
 * What the running service measures for its operators: Micrometer meters bound to the governor, the
 * queue, the jobs and the storage client, exported as Prometheus text, and the last hour of resource
 * readings for the status page.
 */
package io.scoutbot.metrics;
