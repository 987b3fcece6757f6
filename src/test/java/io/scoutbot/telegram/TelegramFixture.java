package io.scoutbot.telegram;

import io.scoutbot.config.Secret;
import io.scoutbot.config.TelegramConfig;
import io.scoutbot.testing.RecordingSleeper;
import io.scoutbot.testing.telegram.FakeBotApi;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;

/**
 * A fake Bot API and a {@link BotApi} pointed at it, with a sleeper that records the waits instead
 * of waiting. Close it after each test.
 */
final class TelegramFixture implements AutoCloseable {

  final FakeBotApi fake;
  final RecordingSleeper sleeper = new RecordingSleeper();
  final TelegramConfig config;
  final BotApi api;

  private TelegramFixture(FakeBotApi fake, TelegramConfig config) {
    this.fake = fake;
    this.config = config;
    this.api = BotApi.open(config, sleeper);
  }

  static TelegramFixture start(Path dir, FakeBotApi.Mode mode) throws IOException {
    FakeBotApi fake = FakeBotApi.start(dir.resolve("fake"), mode);
    boolean local = mode == FakeBotApi.Mode.LOCAL;
    return new TelegramFixture(fake, config(fake.baseUrl(), fake.token(), local,
        local ? TelegramConfig.LOCAL_UPLOAD_LIMIT_BYTES : TelegramConfig.CLOUD_UPLOAD_LIMIT_BYTES));
  }

  static TelegramConfig config(URI base, String token, boolean local, long uploadLimit) {
    return new TelegramConfig(Secret.of(token), Set.of(), base, uploadLimit, local);
  }

  /** Another client of the same fake, with {@code token}. */
  BotApi apiWithToken(String token) {
    return BotApi.open(config(fake.baseUrl(), token, config.localApi(), config.uploadLimitBytes()),
        sleeper);
  }

  @Override
  public void close() {
    api.close();
    fake.close();
  }

  /** A file of {@code size} bytes: random head and tail around a hole, cheap at any size. */
  static Path sparse(Path dir, String name, long size) throws IOException {
    Path p = dir.resolve(name);
    Random random = new Random(size);
    try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
      byte[] head = new byte[(int) Math.min(size, 1 << 20)];
      random.nextBytes(head);
      raf.write(head);
      raf.setLength(size);
      if (size > 2L << 20) {
        byte[] tail = new byte[1 << 20];
        random.nextBytes(tail);
        raf.seek(size - tail.length);
        raf.write(tail);
      }
    }
    return p;
  }

  /** A small file with random content. */
  static Path random(Path dir, String name, int size) throws IOException {
    byte[] b = new byte[size];
    new Random(size * 31L).nextBytes(b);
    return Files.write(dir.resolve(name), b);
  }

  static String sha256(Path p) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    try (var in = Files.newInputStream(p)) {
      byte[] buf = new byte[1 << 20];
      int n;
      while ((n = in.read(buf)) > 0) {
        d.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }
}
