package io.scoutbot.queue;

/** One user's unfinished (pending or running) jobs and their known bytes. Immutable. */
public record QueueUsage(long jobs, long bytes) {}
