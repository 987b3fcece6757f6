/**
 * What may be stored: file names cleaned of path parts and tricks, and the file policy that refuses
 * programs and scripts by name, by content and inside zip archives, for every source alike.
 */
package io.scoutbot.safety;
