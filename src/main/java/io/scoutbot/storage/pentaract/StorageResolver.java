package io.scoutbot.storage.pentaract;

import io.scoutbot.config.PentaractConfig;
import io.scoutbot.storage.pentaract.PentaractClient.Created;
import io.scoutbot.storage.pentaract.PentaractClient.StorageInfo;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the storage PENTARACT_STORAGE names (a name or an id), creates it when it is absent and
 * PENTARACT_CHAT_ID is set, and remembers its id, in memory and in a small file: Pentaract leaves a
 * storage that holds no files out of {@code GET /api/storages}, so once known, a storage is looked up
 * by id. Thread-safe.
 */
final class StorageResolver {

  private static final Logger log = LoggerFactory.getLogger(StorageResolver.class);
  private static final Pattern UUID =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  /** The storage in use; {@code empty} when it held no files when found (or was just created). */
  record Resolved(String id, String name, boolean empty) {}

  private final PentaractClient client;
  private final Attempts attempts;
  private final String configured;
  private final OptionalLong chatId;
  private final Optional<Path> memory;
  private final String email;
  private Resolved resolved;

  /**
   * @param configured PENTARACT_STORAGE: a storage id (UUID) or name
   * @param memory where to remember the id across restarts; empty to remember in memory only
   */
  StorageResolver(PentaractClient client, Attempts attempts, String configured, OptionalLong chatId,
      Optional<Path> memory, String email) {
    this.client = client;
    this.attempts = attempts;
    this.configured = configured;
    this.chatId = chatId;
    this.memory = memory;
    this.email = email;
  }

  /** The storage to use, resolved on first call and then remembered. */
  synchronized Resolved resolve() {
    if (resolved == null) {
      resolved = find();
      remember(resolved);
    }
    return resolved;
  }

  /** The storage, if already resolved; never calls Pentaract. */
  synchronized Optional<Resolved> known() {
    return Optional.ofNullable(resolved);
  }

  /** The storage now holds files: a 500 on upload no longer suggests a set-up problem. */
  synchronized void holdsFiles() {
    if (resolved != null && resolved.empty()) {
      resolved = new Resolved(resolved.id(), resolved.name(), false);
    }
  }

  private Resolved find() {
    if (UUID.matcher(configured).matches()) {
      return attempts.run("lookup of storage " + configured, () -> client.storage(configured))
          .map(s -> new Resolved(s.id(), s.name(), false))
          .orElseThrow(() -> permanent("Pentaract storage " + configured + " (PENTARACT_STORAGE) "
              + "does not exist, or " + email + " has no access to it: check the id, or give this "
              + "account access to the storage in Pentaract"));
    }
    Optional<String> rememberedId = recall();
    if (rememberedId.isPresent()) {
      Optional<StorageInfo> s =
          attempts.run("lookup of storage " + configured, () -> client.storage(rememberedId.get()));
      if (s.isPresent()) {
        return new Resolved(s.get().id(), s.get().name(), false);
      }
      log.info("The remembered Pentaract storage id {} no longer exists; looking {} up by name",
          rememberedId.get(), configured);
    }
    for (StorageInfo s : attempts.run("listing of storages", client::storages)) {
      if (s.name().equals(configured)) {
        return new Resolved(s.id(), s.name(), s.filesAmount() == 0);
      }
    }
    return create();
  }

  private Resolved create() {
    if (chatId.isEmpty()) {
      throw permanent("Pentaract has no storage named '" + configured + "' that " + email
          + " can see. Create it in the Pentaract web UI, or set PENTARACT_CHAT_ID to the Telegram "
          + "channel id without the -100 prefix (channel -1001234567890 is -1234567890) so that "
          + "ScoutBot creates it. Pentaract also hides storages that hold no files: if it exists, "
          + "set PENTARACT_STORAGE to its id");
    }
    long chat = chatId.getAsLong();
    // the configuration refuses such ids at startup; settings built in code are checked here
    if (PentaractConfig.hasChannelPrefix(chat)) {
      throw permanent("PENTARACT_CHAT_ID=" + chat + " still carries Telegram's -100 channel prefix, "
          + "which Pentaract adds itself: enter -" + Long.toString(-chat).substring(3)
          + " (the channel id without -100); the storage '" + configured + "' was not created");
    }
    Created created =
        attempts.run("creation of storage " + configured, () -> client.createStorage(configured, chat));
    return switch (created) {
      case Created.Storage s -> {
        log.info("Created Pentaract storage '{}' (id {}) for Telegram chat {}", s.storage().name(),
            s.storage().id(), chat);
        yield new Resolved(s.storage().id(), s.storage().name(), true);
      }
      case Created.NameTaken t -> throw permanent("a Pentaract storage named '" + configured
          + "' exists but Pentaract does not list it (it hides storages that hold no files): set "
          + "PENTARACT_STORAGE to its id, shown in the address of the storage's page in the "
          + "Pentaract web UI");
    };
  }


  private Optional<String> recall() {
    if (memory.isEmpty() || !Files.isRegularFile(memory.get())) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(memory.get(), StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException | IllegalArgumentException e) {
      log.warn("Ignoring unreadable {}: {}", memory.get(), e.getMessage());
      return Optional.empty();
    }
    boolean same = client.api().equals(p.getProperty("api"))
        && email.equals(p.getProperty("email")) && configured.equals(p.getProperty("storage"));
    String id = p.getProperty("id");
    return same && id != null && UUID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
  }

  private void remember(Resolved r) {
    if (memory.isEmpty() || UUID.matcher(configured).matches()) {
      return;
    }
    Path file = memory.get();
    Properties p = new Properties();
    p.setProperty("api", client.api());
    p.setProperty("email", email);
    p.setProperty("storage", configured);
    p.setProperty("id", r.id());
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      try (Writer w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
        p.store(w, "The Pentaract storage ScoutBot uses. Pentaract hides storages that hold no "
            + "files from its list, so ScoutBot keeps the id here.");
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      log.warn("Cannot remember the Pentaract storage id in {} ({}); it is kept in memory only",
          file, e.getMessage());
    }
  }

  private static PentaractFailure permanent(String message) {
    return PentaractFailure.permanent(message);
  }
}
