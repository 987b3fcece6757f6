package io.scoutbot.telegram;

import java.util.List;
import org.telegram.telegrambots.meta.api.methods.ParseMode;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.DeleteMessage;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageText;
import org.telegram.telegrambots.meta.api.objects.LinkPreviewOptions;
import org.telegram.telegrambots.meta.api.objects.ReplyParameters;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardRow;

/** {@link Messages} on TelegramBots' methods. Stateless apart from the shared {@link BotApi}. */
final class BotMessages implements Messages {

  private static final LinkPreviewOptions NO_PREVIEW =
      LinkPreviewOptions.builder().isDisabled(true).build();

  private final BotApi api;

  BotMessages(BotApi api) {
    this.api = api;
  }

  @Override
  public MessageRef send(long chatId, Html text, Keyboard keyboard) throws InterruptedException {
    return send(chatId, null, text, keyboard);
  }

  @Override
  public MessageRef reply(MessageRef to, Html text, Keyboard keyboard) throws InterruptedException {
    return send(to.chatId(), to.messageId(), text, keyboard);
  }

  private MessageRef send(long chatId, Integer replyTo, Html text, Keyboard keyboard)
      throws InterruptedException {
    SendMessage m = SendMessage.builder()
        .chatId(chatId)
        .text(text.fit(Html.MESSAGE_LIMIT).markup())
        .parseMode(ParseMode.HTML)
        .linkPreviewOptions(NO_PREVIEW)
        .replyParameters(replyTo == null ? null
            : ReplyParameters.builder().messageId(replyTo).allowSendingWithoutReply(true).build())
        .replyMarkup(markup(keyboard))
        .build();
    Message sent = api.call("sendmessage", c -> c.executeAsync(m));
    return new MessageRef(sent.getChatId(), sent.getMessageId());
  }

  @Override
  public boolean edit(MessageRef message, Html text, Keyboard keyboard)
      throws InterruptedException {
    EditMessageText m = EditMessageText.builder()
        .chatId(message.chatId())
        .messageId(message.messageId())
        .text(text.fit(Html.MESSAGE_LIMIT).markup())
        .parseMode(ParseMode.HTML)
        .linkPreviewOptions(NO_PREVIEW)
        .replyMarkup(markup(keyboard))
        .build();
    try {
      api.call("editmessagetext", c -> c.executeAsync(m));
      return true;
    } catch (BotApiFailure f) {
      if (f.notModified()) {
        return false;
      }
      throw f;
    }
  }

  @Override
  public void delete(MessageRef message) throws InterruptedException {
    try {
      api.call("deletemessage", c -> c.executeAsync(DeleteMessage.builder()
          .chatId(message.chatId()).messageId(message.messageId()).build()));
    } catch (BotApiFailure f) {
      if (!(f.errorCode() == 400 && f.description().toLowerCase(java.util.Locale.ROOT)
          .contains("message to delete not found"))) {
        throw f;
      }
    }
  }

  static InlineKeyboardMarkup markup(Keyboard keyboard) {
    if (keyboard.isEmpty()) {
      return null;
    }
    List<InlineKeyboardRow> rows = keyboard.rows().stream()
        .map(r -> new InlineKeyboardRow(r.stream()
            .map(b -> InlineKeyboardButton.builder().text(b.text()).callbackData(b.data()).build())
            .toList()))
        .toList();
    return new InlineKeyboardMarkup(rows);
  }
}
