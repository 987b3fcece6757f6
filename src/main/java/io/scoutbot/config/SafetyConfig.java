package io.scoutbot.config;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which files are refused before they are stored. Immutable.
 *
 * @param blockedExtensions lower-case extensions without the dot; a file whose final extension is
 *     one of them (or a zip archive holding such a file) is refused; empty blocks none
 * @param checkContent whether files are also looked into: executables recognised by their first
 *     bytes whatever their name, and zip archives' tables of contents
 */
public record SafetyConfig(Set<String> blockedExtensions, boolean checkContent) {

  /** SAFETY_BLOCKED_EXTENSIONS's default: programs, scripts, installers and shortcuts. */
  public static final List<String> DEFAULT_BLOCKED =
      List.of(
          // Windows programs, libraries and installers
          "exe", "msi", "msp", "com", "scr", "pif", "cpl", "dll", "sys", "drv",
          // Windows scripts and shortcuts
          "bat", "cmd", "ps1", "vbs", "vbe", "js", "jse", "wsf", "wsh", "hta", "msc", "lnk", "url",
          // Unix programs and scripts
          "sh", "bash", "zsh", "fish", "csh", "ksh", "elf", "run", "appimage",
          // packages and installers of other systems
          "deb", "rpm", "pkg", "dmg", "app", "jar", "apk", "ipa");

  public SafetyConfig {
    blockedExtensions = Set.copyOf(new TreeSet<>(blockedExtensions));
    for (String e : blockedExtensions) {
      if (!e.matches("[a-z0-9]+")) {
        throw new IllegalArgumentException(
            "an extension is lower-case letters and digits without the dot: '" + e + "'");
      }
    }
  }

  /** The defaults: the standard list, content checked. */
  public static SafetyConfig defaults() {
    return new SafetyConfig(Set.copyOf(DEFAULT_BLOCKED), true);
  }
}
