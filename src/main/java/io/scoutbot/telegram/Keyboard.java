package io.scoutbot.telegram;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * An inline keyboard under a message: rows of buttons, each sending its callback data back as a
 * callback query. Immutable; {@link #NONE} sends no keyboard (and an edit with it removes one).
 */
public record Keyboard(List<List<Button>> rows) {

  /** No keyboard. */
  public static final Keyboard NONE = new Keyboard(List.of());

  /** Most bytes of callback data Telegram accepts per button. */
  public static final int MAX_DATA_BYTES = 64;

  public Keyboard {
    rows = rows.stream().map(List::copyOf).toList();
    if (rows.stream().anyMatch(List::isEmpty)) {
      throw new IllegalArgumentException("a keyboard row needs at least one button");
    }
  }

  /** One row of buttons. */
  public static Keyboard row(Button... buttons) {
    return new Keyboard(List.of(List.of(buttons)));
  }

  public boolean isEmpty() {
    return rows.isEmpty();
  }

  /**
   * A button: the label a user sees and the data their press sends back.
   *
   * @param data at most 64 bytes of UTF-8 (Telegram refuses more)
   */
  public record Button(String text, String data) {
    public Button {
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(data, "data");
      if (text.isBlank()) {
        throw new IllegalArgumentException("a button needs a label");
      }
      int bytes = data.getBytes(StandardCharsets.UTF_8).length;
      if (bytes < 1 || bytes > MAX_DATA_BYTES) {
        throw new IllegalArgumentException(
            "callback data must be 1 to 64 bytes of UTF-8, got " + bytes + ": " + data);
      }
    }
  }
}
