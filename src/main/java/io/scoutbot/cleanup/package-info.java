/**
 * Temp space: one directory per job under TMPFILE_PATH, owned by its job until the job ends, and
 * the sweeps that remove what no live job owns.
 */
package io.scoutbot.cleanup;
