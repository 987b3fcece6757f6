package io.scoutbot.app;

/** The running build's version, from the jar's manifest (set by the build). Stateless. */
final class Version {

  private Version() {}

  /** {@code 0.1.0-SNAPSHOT}, or {@code development} when running from classes, not the jar. */
  static String current() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }
}
