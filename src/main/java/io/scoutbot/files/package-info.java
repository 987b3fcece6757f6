/**
 * The facade front ends (CLI, bot, web) use: store a user's file, fetch it back, list, describe and
 * delete it. Front ends never reach past it into storage or catalog internals.
 */
package io.scoutbot.files;
