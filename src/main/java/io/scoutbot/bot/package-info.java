/**
 * The Telegram bot front end: turns users' commands and files into calls on the {@code files}
 * facade and keeps one status message per job up to date from its events.
 */
package io.scoutbot.bot;
