package io.scoutbot.files;

/** A front end's subscription to job events; closing it stops delivery. Closing twice is harmless. */
public interface Subscription extends AutoCloseable {

  @Override
  void close();
}
