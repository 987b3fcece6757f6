/** What each user chose for themselves (where the bot puts fetched files), kept in the database. */
package io.scoutbot.prefs;
