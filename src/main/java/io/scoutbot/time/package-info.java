/** The one seam for waiting: every pause in the service goes through it, so tests advance time. */
package io.scoutbot.time;
