package io.scoutbot.queue;

import io.scoutbot.retry.Disposition;
import io.scoutbot.storage.Presence;
import io.scoutbot.storage.Received;
import io.scoutbot.storage.StorageException;
import io.scoutbot.storage.StorageTarget;
import io.scoutbot.storage.StoredObject;
import io.scoutbot.storage.UploadRequest;
import io.scoutbot.transfer.ChunkedCopy;
import io.scoutbot.transfer.Progress;
import io.scoutbot.transfer.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An in-memory storage target for queue tests: streams each upload through a small buffer to
 * compute its digest (keeping only size and digest), counts uploads per key, and fails on a script
 * (e.g. UNAVAILABLE while a manual clock is inside an outage window). Thread-safe.
 */
final class FakeStorage implements StorageTarget {

  final Map<String, StoredObject> objects = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> uploads = new ConcurrentHashMap<>();
  final AtomicInteger attempts = new AtomicInteger();
  /** Returns the failure to throw for a request, or null to store it. */
  volatile Function<UploadRequest, RuntimeException> failure = r -> null;
  /** Runs inside every upload before the bytes move (a latch, a check). */
  volatile Runnable during = () -> {};
  /** Deletes fail (the backend is down) while set. */
  volatile boolean deletesFail;
  /** Presence checks fail (the backend is down) while set. */
  volatile boolean presenceFails;
  final AtomicInteger presenceChecks = new AtomicInteger();

  static RuntimeException unavailable() {
    return new StorageException("storage unreachable (connection refused)",
        Disposition.UNAVAILABLE);
  }

  @Override
  public String name() {
    return "local";
  }

  @Override
  public StoredObject upload(UploadRequest request) {
    attempts.incrementAndGet();
    RuntimeException f = failure.apply(request);
    if (f != null) {
      throw f;
    }
    during.run();
    MessageDigest digest = Sha256.newDigest();
    long n;
    try (InputStream in = Files.newInputStream(request.source())) {
      n = ChunkedCopy.copy(in, OutputStream.nullOutputStream(), new byte[8192], digest,
          request.progress());
    } catch (NoSuchFileException e) {
      throw new StorageException("cannot read " + request.source() + ": the file no longer exists",
          Disposition.PERMANENT, e);
    } catch (IOException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw new StorageException("upload cancelled", Disposition.RETRY, e);
      }
      throw new StorageException("read failed: " + e.getMessage(), Disposition.RETRY, e);
    }
    StoredObject stored = new StoredObject(request.key(), n, Sha256.hex(digest), n == 0 ? 0 : 1);
    objects.put(request.key(), stored);
    uploads.computeIfAbsent(request.key(), k -> new AtomicInteger()).incrementAndGet();
    return stored;
  }

  @Override
  public Received download(String location, Path target, Progress progress) {
    throw new UnsupportedOperationException("not used by queue tests");
  }

  @Override
  public void delete(String location) {
    if (deletesFail) {
      throw unavailable();
    }
    objects.remove(location);
  }

  @Override
  public Presence presence(String key, long size, Path source) {
    presenceChecks.incrementAndGet();
    if (presenceFails) {
      throw unavailable();
    }
    StoredObject o = objects.get(key);
    return o != null && o.size() == size ? new Presence.Complete(o) : new Presence.Incomplete(key);
  }
}
