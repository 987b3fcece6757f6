/**
 * The storage port: where stored files' bytes live (Pentaract, or a local directory), behind one small
 * interface that every backend passes the same contract test for.
 */
package io.scoutbot.storage;
