/**
 * Where a job's bytes come from: its {@link io.scoutbot.fetch.JobSource} (a local file, a URL, a
 * Telegram file) and the {@link io.scoutbot.fetch.Fetcher} port that turns any source into a local
 * file in the job's own temp directory, so that new sources plug in without touching the queue.
 */
package io.scoutbot.fetch;
