/** Moves bytes: chunked copies through budgeted buffers, counted, hashed and cancellable. */
package io.scoutbot.transfer;
