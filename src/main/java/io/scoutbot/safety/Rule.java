package io.scoutbot.safety;

/** The rules of the {@link FilePolicy}, each named in every refusal it makes. */
public enum Rule {
  /** The name's final extension is a blocked type ({@code setup.exe}). */
  EXTENSION,
  /** A single-file compressed name hides a blocked type ({@code setup.exe.gz}). */
  COMPRESSED_EXTENSION,
  /** The content is a program or a script, whatever the name says. */
  EXECUTABLE_CONTENT,
  /** A zip archive holds a file of a blocked type. */
  ARCHIVE_ENTRY,
  /** A zip archive holds a path that would land outside the folder it is unpacked into. */
  ARCHIVE_PATH,
  /** The file looks like a zip archive whose table of contents cannot be read. */
  ARCHIVE_UNREADABLE
}
