package io.scoutbot.telegram;

/**
 * Who the bot is, as {@code getMe} answered: its user id, and the username that commands in groups
 * carry ({@code /storage@name_bot}). Immutable.
 */
public record BotIdentity(long id, String username) {}
