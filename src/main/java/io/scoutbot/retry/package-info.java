/** Classifies failures once, where their cause is known, into what the caller should do next. */
package io.scoutbot.retry;
