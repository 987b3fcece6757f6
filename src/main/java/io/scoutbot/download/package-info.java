/**
 * Fetching URLs into a job's temp directory: HTTP(S) streamed through one budgeted buffer with a
 * size cap, resume and timeouts, behind an SSRF guard that checks every address it connects to;
 * media pages go to yt-dlp, whose connections pass the same guard through a local proxy.
 */
package io.scoutbot.download;
