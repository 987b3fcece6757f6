package io.scoutbot.storage;

/** What a download wrote: its size and the SHA-256 of its bytes. Immutable. */
public record Received(long size, String sha256) {}
