package io.scoutbot.telegram;

/**
 * A file that arrived in a chat. Immutable.
 *
 * @param message the message that carries it
 * @param fileId Telegram's id for the uploaded file: sending it again by id costs no upload
 * @param asVideo whether it went as a streamable video rather than a document
 */
public record Delivered(MessageRef message, String fileId, long size, boolean asVideo) {}
