/** Immutable, self-validating configuration read from the environment and a {@code .env} file. */
package io.scoutbot.config;
