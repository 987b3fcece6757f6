/** The command-line front end: {@code ./scoutbot <command>}, human or JSON output, exit codes. */
package io.scoutbot.cli;
