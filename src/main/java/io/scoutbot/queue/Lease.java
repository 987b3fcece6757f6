package io.scoutbot.queue;

/** What renewing a lease found. */
public enum Lease {
  /** The lease is renewed; carry on. */
  HELD,
  /** Another worker took the job (this lease expired), or it is no longer running: stop. */
  LOST,
  /** The lease is renewed, but the job's owner asked to cancel it: stop and settle it cancelled. */
  CANCEL_REQUESTED
}
