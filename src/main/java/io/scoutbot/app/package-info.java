/**
 * The composition root: builds every component from the configuration, starts them in order, stops
 * them in reverse, and logs the effective configuration once. Nothing imports this package.
 */
package io.scoutbot.app;
