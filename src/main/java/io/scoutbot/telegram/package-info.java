/**
 * Bot API access shared by the bot and delivery: messages, callback answers, long-polled updates,
 * file sends within Telegram's limits and the fetcher of files users sent, all on TelegramBots,
 * with every failure classified once into a {@link io.scoutbot.retry.Disposition} and the bot token
 * kept out of every message.
 */
package io.scoutbot.telegram;
