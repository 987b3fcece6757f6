package io.scoutbot.files;

import java.util.List;

/**
 * One page of an owner's stored files, newest first, with the totals over all of them. Immutable.
 *
 * @param page this page's number, from 1
 * @param pages how many pages there are (at least 1, even with no files)
 * @param totalFiles stored files over all pages
 * @param totalBytes their size over all pages
 */
public record FilePage(List<FileView> files, int page, int pages, long totalFiles,
    long totalBytes) {

  public FilePage {
    files = List.copyOf(files);
    if (page < 1 || pages < 1) {
      throw new IllegalArgumentException("pages count from 1: page " + page + " of " + pages);
    }
  }

  public boolean hasPrevious() {
    return page > 1;
  }

  public boolean hasNext() {
    return page < pages;
  }
}
