package io.scoutbot.files;

import java.util.Objects;

/**
 * What deleting a file did. Immutable.
 *
 * @param file the file as it was before it was deleted
 * @param leftOver why the storage still holds its object (it could not remove it now), or null
 *     when nothing is left; {@code serve} removes a left-over object at its next start
 */
public record Deletion(FileView file, String leftOver) {

  public Deletion {
    Objects.requireNonNull(file, "file");
  }
}
