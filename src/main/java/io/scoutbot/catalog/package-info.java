/** Stored files: codes, owners, names, sizes, checksums and where their bytes live, per user. */
package io.scoutbot.catalog;
