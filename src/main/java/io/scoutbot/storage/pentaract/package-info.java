/**
 * The Pentaract storage backend: a client for the real Pentaract REST API that streams files both
 * ways, stores large files as resumable segments plus a manifest, and keeps retries, re-login and a
 * circuit breaker in one place.
 */
package io.scoutbot.storage.pentaract;
