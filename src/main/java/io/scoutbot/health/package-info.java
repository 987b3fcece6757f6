/** Whether the service's dependencies (database, storage backend) can be used right now. */
package io.scoutbot.health;
