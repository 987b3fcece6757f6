/** The embedded storage backend: stored files as plain files under {@code $DATA_DIR/storage}. */
package io.scoutbot.storage.local;
